/** Error masking: DomainErrors keep message and code, anything else is "Unexpected error." with no internals. */
import type { GraphQLError } from "graphql";
import { createGraphQLError } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { maskError } from "../../src/graphql/errors.js";
import { ConflictError, NotFoundError, ValidationError } from "../../src/services/errors.js";
import { graphql } from "../gql/index.js";
import { execute, executeRaw } from "../helpers/graphql.js";

const masked = (error: unknown) => maskError(error, "Unexpected error.") as GraphQLError;

describe("maskError", () => {
  it("keeps a DomainError's message and code, also when wrapped by graphql-js", () => {
    expect(masked(new NotFoundError("Team")).toJSON()).toEqual({ message: "Team not found", extensions: { code: "NOT_FOUND" } });
    const wrapped = createGraphQLError("ignored", { path: ["team"], originalError: new ConflictError("taken") });
    expect(masked(wrapped).toJSON()).toEqual({ message: "taken", path: ["team"], extensions: { code: "CONFLICT" } });
    expect(masked(new ValidationError("bad")).extensions).toEqual({ code: "VALIDATION" });
  });

  it("masks any other error, keeping only its location", () => {
    const internal = new Error('connect ECONNREFUSED 10.0.0.7:5432 (password "hunter2")');
    const json = masked(createGraphQLError(internal.message, { path: ["customers"], originalError: internal })).toJSON();
    expect(json).toEqual({ message: "Unexpected error.", path: ["customers"], extensions: { code: "INTERNAL_SERVER_ERROR", unexpected: true } });
    expect(masked(internal).message).toBe("Unexpected error.");
  });

  it("leaves graphql-js's own errors (syntax, validation) alone", () => {
    const validation = createGraphQLError('Cannot query field "nope" on type "Query".');
    expect(masked(validation)).toBe(validation);
  });
});

describe("through the endpoint", () => {
  it("answers a malformed or forged global id with NOT_FOUND, never an internal error (issue #9)", async () => {
    // Once an internal failure: a well-formed global id whose key is not a UUID reached the database.
    for (const id of [Buffer.from("Team:not-a-uuid").toString("base64"), "nope", "%%%", Buffer.from("Nope:00000000-0000-4000-8000-000000000000").toString("base64")]) {
      const res = await executeRaw(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(res.errors).toMatchObject([{ message: "Node not found: malformed or unknown id", extensions: { code: "NOT_FOUND" } }]);
      expect(JSON.stringify(res)).not.toMatch(/uuid|prisma|syntax|stack/i);
    }
  });

  it("answers null for a malformed id argument, with nested relations selected (no \"Prisma query was unused\")", async () => {
    for (const id of ["nope", "a\u0000b", Buffer.from("Team:not-a-uuid").toString("base64")]) {
      const res = await executeRaw(`query($id: String!) { customer(id: $id) { teams { name } } team(id: $id) { virtualKeys { edges { node { name } } } } }`, { id });
      expect(res).toMatchObject({ data: { customer: null, team: null }, errors: undefined });
    }
  });

  it("reports a malformed or foreign connection cursor as a VALIDATION error", async () => {
    const junk = await executeRaw(`query { customers(first: 1, after: "not-a-cursor") { totalCount } }`);
    expect(junk.errors).toEqual([
      { message: "Invalid cursor in after", locations: [{ line: 1, column: 9 }], path: ["customers"], extensions: { code: "VALIDATION" } },
    ]);
    const byName = await executeRaw(`query { customers(first: 1, orderBy: { field: NAME }) { edges { cursor } } }`);
    const cursor = byName.data.customers.edges[0]?.cursor ?? Buffer.from(JSON.stringify(["NAME", "ASC", "a", "00000000-0000-4000-8000-000000000000"])).toString("base64url");
    const mixed = await executeRaw(`query($c: String) { customers(first: 1, after: $c, orderBy: { field: SPEND }) { totalCount } }`, { c: cursor });
    expect(mixed.errors?.[0]).toMatchObject({ message: "The cursor in after belongs to another sort order", extensions: { code: "VALIDATION" } });
  });

  it("returns null for a well-formed global id of a missing row", async () => {
    const MissingNode = graphql(/* GraphQL */ `
      query MissingNode($id: ID!) { node(id: $id) { id } }
    `);
    const id = Buffer.from("Team:00000000-0000-4000-8000-000000000000").toString("base64");
    expect(await execute(MissingNode, { id })).toMatchObject({ data: { node: null }, errors: undefined });
  });

  it("reports an unknown field as a validation error, unmasked", async () => {
    const res = await executeRaw("{ nope }");
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining('Cannot query field "nope"'), extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  });
});
