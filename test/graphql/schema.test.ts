/** The committed SDL (src/graphql/schema.graphql, written by `npm run generate`) matches the schema the code builds. */
import { readFileSync } from "node:fs";
import { buildSchema, lexicographicSortSchema, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../../src/graphql/schema.js";

// Both sides are parsed and printed by the same graphql-js, sorted, so only a real schema difference shows.
const normalise = (sdl: string) => printSchema(lexicographicSortSchema(buildSchema(sdl)));

describe("src/graphql/schema.graphql", () => {
  it("is up to date (run `npm run generate` after changing the schema)", () => {
    const committed = readFileSync(new URL("../../src/graphql/schema.graphql", import.meta.url), "utf8");
    expect(normalise(committed)).toBe(normalise(printSchema(schema)));
  });
});
