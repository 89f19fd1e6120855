/** totalCount is counted only when the query selects it, however it is selected (field, inline or named fragment). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../../src/context.js";
import { db, onQuery } from "../../src/db/client.js";
import { createManagementKey } from "../../src/services/management-keys.js";
import { bearer, call, revokeAllKeys } from "../access/fixtures.js";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const prefix = unique("total");

beforeAll(async () => {
  for (let i = 0; i < 3; i++) expect((await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k${i}` })).status).toBe(200);
});

afterAll(revokeAllKeys);

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

  it("of an unfiltered key list comes from the maintained counts: the caller's customer (direct and team keys), or every key", async () => {
    const customer = (await rest("POST", "/api/governance/customers", { name: `${prefix}-c` })).body.customer.id as string;
    const team = (await rest("POST", "/api/governance/teams", { name: `${prefix}-t`, customer_id: customer })).body.team.id as string;
    for (const owner of [{ customer_id: customer }, { team_id: team }, { team_id: team }]) {
      expect((await rest("POST", "/api/governance/virtual-keys", { name: unique(`${prefix}-own`), ...owner })).status).toBe(200);
    }
    const query = `{ virtualKeys(first: 1) { totalCount } }`;
    const statements: string[] = [];
    const stop = onQuery((sql) => void statements.push(sql));
    const all = await executeRaw(query).finally(stop);
    const keyset = statements.find((s) => /^\s*WITH\b/.test(s))!;
    expect(keyset).toMatch(/"VirtualKeyCount"/);
    expect(keyset).not.toMatch(/count\(\*\)/);
    // PGlite: this file's own database, so the count is exact here; PostgreSQL is shared with other files.
    if (process.env.TEST_DB === "pglite") expect(all.data.virtualKeys.totalCount).toBe(await db.virtualKey.count());
    const own = await createManagementKey(createContext(), { name: unique("total-ca"), role: "customer-admin", customerId: customer });
    const mine = await call("POST", "/graphql", { query }, { headers: bearer(own.value) });
    expect(mine.body.data.virtualKeys.totalCount).toBe(3);
  });
});
