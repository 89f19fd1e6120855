/** totalCount is counted only when the query selects it, however it is selected (field, inline or named fragment). */
import { beforeAll, describe, expect, it } from "vitest";
import { onQuery } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const prefix = unique("total");

beforeAll(async () => {
  for (let i = 0; i < 3; i++) expect((await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k${i}` })).status).toBe(200);
});

async function run(query: string): Promise<{ data: any; keyset: string }> {
  const statements: string[] = [];
  const stop = onQuery((sql) => void statements.push(sql));
  const result = await executeRaw(query, { s: prefix }).finally(stop);
  expect(result.errors).toBeUndefined();
  return { data: result.data, keyset: statements.find((s) => /^\s*WITH\b/.test(s))! };
}

describe("totalCount", () => {
  it.each([
    ["as a field", `query($s: String!) { virtualKeys(first: 1, filter: { search: $s }) { totalCount edges { node { name } } } }`],
    ["in an inline fragment", `query($s: String!) { virtualKeys(first: 1, filter: { search: $s }) { ... on VirtualKeyConnection { totalCount } edges { node { name } } } }`],
    ["in a named fragment", `query($s: String!) { virtualKeys(first: 1, filter: { search: $s }) { ...Total edges { node { name } } } } fragment Total on VirtualKeyConnection { totalCount }`],
    ["under an alias", `query($s: String!) { virtualKeys(first: 1, filter: { search: $s }) { n: totalCount edges { node { name } } } }`],
  ])("is counted when selected %s", async (_label, query) => {
    const { data, keyset } = await run(query);
    expect(data.virtualKeys.totalCount ?? data.virtualKeys.n).toBe(3);
    expect(data.virtualKeys.edges).toHaveLength(1);
    expect(keyset).toMatch(/count\(\*\)/);
  });

  it("is not counted when not selected", async () => {
    const { data, keyset } = await run(`query($s: String!) { virtualKeys(first: 2, filter: { search: $s }) { pageInfo { hasNextPage } edges { node { name } } } }`);
    expect(data.virtualKeys).toEqual({ pageInfo: { hasNextPage: true }, edges: [{ node: { name: `${prefix}-k0` } }, { node: { name: `${prefix}-k1` } }] });
    expect(keyset).not.toMatch(/count\(\*\)/);
  });
});
