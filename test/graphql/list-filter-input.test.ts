/**
 * List filters that reach SQL are checked like every other argument (issue #9; found by `npm run fuzz`): NUL or a
 * lone surrogate in `search`, `provider` or `email` is a VALIDATION error naming the filter, never an internal
 * error (PostgreSQL refused the NUL with SQLSTATE 22021); `%` and `_` in `search` still match literally.
 */
import { describe, expect, it } from "vitest";
import { executeRaw } from "../helpers/graphql.js";

const lists = [
  ["customers", "search"],
  ["customers", "email"],
  ["teams", "search"],
  ["virtualKeys", "search"],
  ["virtualKeys", "provider"],
] as const;

describe("GraphQL list filters refuse text SQL cannot store", () => {
  for (const [list, filter] of lists) {
    it(`${list}(filter: { ${filter} }) with NUL or a lone surrogate is a VALIDATION error`, async () => {
      for (const bad of ["a\u0000b", "x\ud800y"]) {
        const r = await executeRaw(`query($v: String) { ${list}(first: 5, filter: { ${filter}: $v }) { totalCount edges { node { uuid } } } }`, { v: bad });
        expect(r.data).toBeNull();
        expect(r.errors?.[0]?.extensions?.code).toBe("VALIDATION");
        expect(r.errors?.[0]?.message).toMatch(new RegExp(`Invalid (search parameter|${filter} filter)`));
      }
    });
  }

  it("a search of % matches names containing a percent sign only", async () => {
    const r = await executeRaw(`{ virtualKeys(first: 100, filter: { search: "%" }) { edges { node { name } } } }`);
    expect(r.errors).toBeUndefined();
    for (const e of r.data.virtualKeys.edges) expect(e.node.name).toContain("%");
  });
});
