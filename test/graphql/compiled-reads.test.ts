/**
 * Compiled reads (src/graphql/compiled) answer exactly what graphql-js execution answers: a battery of list
 * queries (aliases, fragments, __typename, nulls, several budgets per owner incl. windows of equal length, nested
 * connections with and without `first`, relay ids, cursors and pageInfo, filters and sorts, a customer-admin) is
 * run with the compiled path on and off and the JSON compared. Shapes it does not compile fall back (same answer,
 * the general path's statement count); a compiled read runs 1 statement per root field whatever the data size.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, onQuery } from "../../src/db/client.js";
import { compiledReads } from "../../src/graphql/compiled/plugin.js";
import { createContext } from "../../src/context.js";
import { createManagementKey } from "../../src/services/management-keys.js";
import { bearer, call, revokeAllKeys } from "../access/fixtures.js";
import { rest, unique } from "../helpers/app.js";
import { createProviderKey } from "../helpers/factories.js";
import { executeRaw } from "../helpers/graphql.js";

const prefix = unique("cr");

beforeAll(async () => {
  const pk = await createProviderKey("openai");
  for (let ci = 0; ci < 3; ci++) {
    const c = await rest("POST", "/api/governance/customers", {
      name: `${prefix}-c${ci}`,
      ...(ci === 0 ? { budgets: [{ max_limit: 100.125, reset_duration: "1M" }, { max_limit: 10, reset_duration: "1d" }] } : {}),
      ...(ci !== 2 ? { rate_limit: { token_max_limit: 9_007_199_254_740_000, token_reset_duration: "1h", request_max_limit: 5, request_reset_duration: "1m" } } : {}),
    });
    expect(c.status).toBe(200);
    for (let ti = 0; ti < 2; ti++) {
      const t = await rest("POST", "/api/governance/teams", {
        name: `${prefix}-c${ci}-t${ti}`,
        customer_id: c.body.customer.id,
        ...(ti === 0 ? { budgets: [{ max_limit: 50, reset_duration: "1h" }, { max_limit: 7, reset_duration: "60m" }, { max_limit: 3, reset_duration: "1w" }] } : {}),
      });
      expect(t.status).toBe(200);
      for (let ki = 0; ki < 3; ki++) {
        const k = await rest("POST", "/api/governance/virtual-keys", {
          name: `${prefix}-c${ci}-t${ti}-k${ki}`,
          description: ki === 1 ? "it's \"quoted\" ✓ {\"$candidates\": []}" : "",
          team_id: t.body.team.id,
          is_active: ki !== 2,
          ...(ki !== 1 ? { budget: { max_limit: 2.5, reset_duration: ki === 0 ? "1h" : "1d" } } : {}),
          ...(ki === 0 ? { rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" } } : {}),
          provider_configs:
            ki === 2
              ? []
              : [
                  { provider: "openai", weight: 0.25, allowed_models: ["gpt-4o", "regex:^o[0-9]$"], key_ids: [pk.keyId], budget: { max_limit: 1, reset_duration: "1d" } },
                  { provider: "anthropic", allowed_models: ["*"], blacklisted_models: ["claude-x"] },
                ],
        });
        expect(k.status).toBe(200);
        if (ki === 0) {
          await db.budget.update({
            where: { id: k.body.virtual_key.budget_id as string },
            data: { currentUsage: "1.0000000001", overrideAmount: "0.5", overrideMode: "cycles", overrideCyclesRemaining: 2 },
          });
        }
      }
    }
  }
  await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-direct`, customer_id: (await db.customer.findFirstOrThrow({ where: { name: `${prefix}-c1` } })).id });
});

afterAll(async () => {
  compiledReads.enabled = true;
  await revokeAllKeys();
});

const budget = "id maxLimit currentUsage resetDuration lastReset overrideAmount overrideMode overrideCyclesRemaining";
const rate = "id tokenMaxLimit tokenResetDuration requestMaxLimit requestResetDuration tokenCurrentUsage requestCurrentUsage tokenLastReset";

const battery: [string, string, Record<string, unknown>][] = [
  [
    "the side-by-side nested read",
    `query($s: String!, $keys: Int!) { customers(first: 10, filter: { search: $s }) { edges { node {
        name calendarAligned budget { maxLimit currentUsage resetDuration lastReset } rateLimit { requestMaxLimit requestResetDuration tokenMaxLimit tokenResetDuration }
        teams { name budget { maxLimit currentUsage resetDuration }
          virtualKeys(first: $keys) { edges { node { name description isActive createdAt budget { maxLimit currentUsage resetDuration lastReset }
            rateLimit { requestMaxLimit requestResetDuration tokenMaxLimit tokenResetDuration }
            providerConfigs { provider weight allowedModels budget { maxLimit currentUsage resetDuration } } } } } } } } } }`,
    { keys: 2 },
  ],
  [
    "aliases, __typename, fragments, relay ids, cursors, pageInfo and totalCount",
    `query($s: String!) { list: customers(first: 2, filter: { search: $s }) { __typename total: totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
        edges { __typename c: cursor node { ...C } } }
      keys: virtualKeys(first: 5, filter: { search: $s }, orderBy: { field: NAME, direction: DESC }) { totalCount edges { cursor node { ... on VirtualKey { id uuid n: name } } } } }
      fragment C on Customer { __typename id uuid name email createdAt updatedAt budgets { ${budget} } primary: budget { ${budget} } rateLimit { ${rate} }
        virtualKeys { totalCount edges { node { name } } } teams { id budgets { resetDuration } budget { maxLimit resetDuration } rateLimit { id } } }`,
    {},
  ],
  [
    "teams and keys with nested owners",
    `query($s: String!) { teams(first: 10, filter: { search: $s }) { edges { node { name uuid calendarAligned customer { name budget { maxLimit } }
        virtualKeys { __typename totalCount edges { __typename node { name team { name } customer { name } allowAllProviders disableContentLogging calendarAligned
          providerConfigs { id provider weight allowedModels blacklistedModels allowAllKeys createdAt budgets { maxLimit } rateLimit { id } } } } } } } }
      virtualKeys(first: 100, filter: { search: $s, isActive: true }) { edges { node { name budget { ${budget} } } } } }`,
    {},
  ],
  [
    "a later page, backwards, by spend",
    `query($s: String!) { a: virtualKeys(last: 3, filter: { search: $s }, orderBy: { field: SPEND, direction: DESC }) { pageInfo { hasNextPage hasPreviousPage } edges { cursor node { name } } }
      b: teams(first: 0, filter: { search: $s }) { totalCount edges { node { name } } } }`,
    {},
  ],
  ["nested first 0", `query($s: String!) { teams(filter: { search: $s }) { edges { node { name virtualKeys(first: 0) { totalCount edges { node { name } } } } } } }`, {}],
];

async function compare(query: string, variables: Record<string, unknown>, compiled = true) {
  compiledReads.enabled = true;
  const served = compiledReads.served;
  const on = await executeRaw(query, { s: prefix, ...variables });
  expect(compiledReads.served - served).toBe(compiled ? 1 : 0);
  compiledReads.enabled = false;
  try {
    const off = await executeRaw(query, { s: prefix, ...variables });
    expect(off.errors).toBeUndefined();
    expect(on).toEqual(off);
    expect(JSON.stringify(on.data)).toBe(JSON.stringify(off.data)); // same key order too
    return on;
  } finally {
    compiledReads.enabled = true;
  }
}

async function statements(query: string, variables: Record<string, unknown>): Promise<number> {
  let n = 0;
  const stop = onQuery(() => n++);
  try {
    const r = await executeRaw(query, { s: prefix, ...variables });
    expect(r.errors).toBeUndefined();
  } finally {
    stop();
  }
  return n;
}

describe("compiled reads answer what graphql-js answers", () => {
  for (const [name, query, variables] of battery) {
    it(name, async () => {
      const r = await compare(query, variables);
      expect(JSON.stringify(r.data)).toContain(prefix);
    });
  }

  it("cursors of names that need escaping are graphql-js's, byte for byte, in both directions", async () => {
    for (const odd of ['"quoted" \\ back', "emoji 🚀 ✓", "line\u2028sep", "tab\there", "üñí"]) {
      expect((await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-odd ${odd}` })).status).toBe(200);
    }
    for (const direction of ["ASC", "DESC"]) {
      const query = `query($s: String!) { virtualKeys(first: 4, filter: { search: $s }, orderBy: { field: NAME, direction: ${direction} }) {
        pageInfo { startCursor endCursor hasNextPage } edges { cursor node { name } } } }`;
      const r = await compare(query, { s: `${prefix}-odd` });
      expect(r.data.virtualKeys.edges).toHaveLength(4);
      const after = await compare(
        `query($s: String!, $a: String) { virtualKeys(first: 4, after: $a, filter: { search: $s }, orderBy: { field: NAME, direction: ${direction} }) { edges { cursor node { name } } } }`,
        { s: `${prefix}-odd`, a: r.data.virtualKeys.pageInfo.endCursor },
      );
      expect(after.data.virtualKeys.edges).toHaveLength(1);
    }
  });

  it("the nested read is 1 statement per root field; unsupported shapes fall back with the same answer", async () => {
    expect(await statements(battery[0]![1], battery[0]![2])).toBe(1);
    expect(await statements(battery[2]![1], {})).toBe(2);
    const computed = `query($s: String!) { customers(filter: { search: $s }) { edges { node { name spend budget { usage remaining } } } } }`;
    await compare(computed, {}, false);
    const direct = `query($s: String!) { customers(filter: { search: $s }) { edges { node { name ... @include(if: true) { email } } } } }`;
    await compare(direct, {}, false);
  });
});

describe("compiled reads keep a customer-admin to its own customer", () => {
  it("lists only the customer's own teams and keys, as graphql-js does; a refused caller gets graphql-js's error", async () => {
    const own = await db.customer.findFirstOrThrow({ where: { name: `${prefix}-c0` } });
    const admin = await createManagementKey(createContext(), { name: unique("cr-admin"), role: "customer-admin", customerId: own.id });
    const query = `query($s: String!) { customers(first: 10, filter: { search: $s }) { totalCount edges { node { name teams { name } } } }
      teams(first: 100, filter: { search: $s }) { totalCount edges { node { name customer { name } virtualKeys { edges { node { name } } } } } }
      virtualKeys(first: 100, filter: { search: $s }) { totalCount edges { node { name team { name customer { name } } } } } }`;
    const run = async (headers: Record<string, string>) => (await call("POST", "/graphql", { query, variables: { s: prefix } }, { headers })).body;
    const served = compiledReads.served;
    const on = await run(bearer(admin.value));
    expect(compiledReads.served - served).toBe(1);
    compiledReads.enabled = false;
    const off = await run(bearer(admin.value)).finally(() => (compiledReads.enabled = true));
    expect(on).toEqual(off);
    const text = JSON.stringify(on);
    expect(on.data.customers.totalCount).toBe(1);
    expect(on.data.teams.totalCount).toBe(2);
    expect(on.data.virtualKeys.totalCount).toBe(6);
    expect(text).not.toContain(`${prefix}-c1`);
    expect(text).not.toContain(`${prefix}-c2`);
    const anonymous = await run({});
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(compiledReads.served - served).toBe(1);
  });
});
