/**
 * The read hot path (src/db/json-select.ts) returns exactly what Prisma returns: the same rows for the REST
 * includes and a battery of select trees, and the same GraphQL JSON for a battery of queries with the hot path on
 * and off. Unsupported query shapes fall back to Prisma.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db, onQuery } from "../../src/db/client.js";
import { compile, findManyByIds, jsonSelect } from "../../src/db/json-select.js";
import { customerInclude, teamInclude, virtualKeyInclude } from "../../src/services/shapes.js";
import { rest, unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";
import { executeRaw } from "../helpers/graphql.js";

const prefix = unique("jsel");
const ids = { customers: [] as string[], teams: [] as string[], keys: [] as string[] };

beforeAll(async () => {
  const pk = await createProviderKey("openai");
  const mcp = await createMcpClient();
  const c = await rest("POST", "/api/governance/customers", {
    name: `${prefix}-c`,
    budgets: [{ max_limit: 100.125, reset_duration: "1M" }, { max_limit: 10, reset_duration: "1d" }],
    rate_limit: { token_max_limit: 9_007_199_254_740_000, token_reset_duration: "1h", request_max_limit: 5, request_reset_duration: "1m" },
  });
  const t = await rest("POST", "/api/governance/teams", { name: `${prefix}-t`, customer_id: c.body.customer.id, budget: { max_limit: 50, reset_duration: "1w" } });
  await db.team.update({ where: { id: t.body.team.id }, data: { profile: { tier: "gold", n: 1.5 }, config: [1, "two", null], claims: { nested: { deep: true } } } });
  const full = await rest("POST", "/api/governance/virtual-keys", {
    name: `${prefix}-k-full`,
    description: "every relation",
    team_id: t.body.team.id,
    budget: { max_limit: 2.5, reset_duration: "1h" },
    rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" },
    provider_configs: [
      { provider: "openai", weight: 0.25, allowed_models: ["gpt-4o"], key_ids: [pk.keyId], budget: { max_limit: 1, reset_duration: "1d" }, rate_limit: { request_max_limit: 3, request_reset_duration: "1m" } },
      { provider: "anthropic", allowed_models: ["*"] },
    ],
    mcp_configs: [{ mcp_client_name: mcp.name, tools_to_execute: ["search", "fetch"] }],
  });
  expect(full.status).toBe(200);
  const budgetId = full.body.virtual_key.budget_id as string;
  await db.budget.update({ where: { id: budgetId }, data: { currentUsage: "1.0000000001", overrideAmount: "0.5", overrideMode: "cycles", overrideCyclesRemaining: 2 } });
  const direct = await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k-direct`, customer_id: c.body.customer.id, is_active: false });
  const bare = await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k-bare` });
  ids.customers = [c.body.customer.id];
  ids.teams = [t.body.team.id];
  ids.keys = [full.body.virtual_key.id, direct.body.virtual_key.id, bare.body.virtual_key.id];
});

type Model = "Customer" | "Team" | "VirtualKey";
const delegate = (model: Model) => (model === "Customer" ? db.customer : model === "Team" ? db.team : db.virtualKey) as unknown as { findMany(a: object): Promise<{ id: string }[]> };
const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

async function both(model: Model, query: Record<string, unknown>, which: string[]) {
  const prisma = byId(await delegate(model).findMany({ ...query, where: { id: { in: which } } }));
  expect(compile(model, query)).not.toBeNull();
  const fast = byId(await findManyByIds<{ id: string }>(model, query, which, () => Promise.reject(new Error("fell back"))));
  return { prisma, fast };
}

describe("json-select returns Prisma's rows", () => {
  const battery: [Model, string, Record<string, unknown>][] = [
    ["VirtualKey", "REST include", { include: virtualKeyInclude }],
    ["Team", "REST include", { include: teamInclude }],
    ["Customer", "REST include", { include: customerInclude }],
    ["VirtualKey", "select with ordered, limited relations and counts", {
      select: {
        id: true,
        name: true,
        isActive: true,
        budgets: { orderBy: [{ resetDuration: "desc" }, { id: "asc" }], take: 1, select: { maxLimit: true, overrideAmount: true, lastReset: true } },
        providerConfigs: { orderBy: { id: "desc" }, skip: 1, include: { keys: { include: { providerKey: true } } } },
        team: { select: { name: true, customer: { select: { name: true, rateLimit: true } } } },
        _count: { select: { providerConfigs: true, budgets: true, mcpConfigs: true } },
      },
    }],
    ["Customer", "nested paging", { include: { teams: { include: { virtualKeys: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 2, skip: 0 } } }, virtualKeys: { take: 0 } } }],
  ];
  for (const [model, label, query] of battery) {
    it(`${model}: ${label}`, async () => {
      const which = model === "Customer" ? ids.customers : model === "Team" ? ids.teams : ids.keys;
      const { prisma, fast } = await both(model, query, which);
      expect(fast).toEqual(prisma);
      expect(fast.length).toBe(which.length);
    });
  }

  it("falls back to Prisma for what it does not compile", async () => {
    expect(compile("VirtualKey", { include: { budgets: { where: { resetDuration: "1h" } } } })).toBeNull();
    expect(compile("VirtualKey", { include: { budgets: { take: -1 } } })).toBeNull();
    expect(compile("VirtualKey", { include: { budgets: { cursor: { id: ids.keys[0] } } } })).toBeNull();
    expect(compile("VirtualKey", { select: { nope: true } })).toBeNull();
    const rows = await findManyByIds("VirtualKey", { include: { budgets: { where: { resetDuration: "1h" } } } }, ids.keys, () => Promise.resolve([{ id: "prisma" }]));
    expect(rows).toEqual([{ id: "prisma" }]);
  });
});

const budgetFields = "id maxLimit currentUsage overrideAmount overrideMode overrideCyclesRemaining effectiveLimit usage remaining percentUsed exhausted expired nextResetAt resetDuration calendarAligned lastReset ownerKind createdAt updatedAt";
const rateFields = "id tokenMaxLimit tokenResetDuration tokenCurrentUsage tokenLastReset requestMaxLimit requestResetDuration requestCurrentUsage calendarAligned ownerKind tokens { usage remaining percentUsed exhausted nextResetAt } requests { maxLimit usage remaining }";
/** [label, top-level model, query, whether the top-level nodes load through the hot path] */
const queries: [string, string, string, boolean][] = [
  ["customers, everything", "Customer", `query($s: String!) { customers(filter: { search: $s }) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node {
    id uuid name calendarAligned spend overBudget createdAt updatedAt budget { ${budgetFields} } budgets { ${budgetFields} } rateLimit { ${rateFields} }
    teams { uuid name calendarAligned customer { name } budget { maxLimit } virtualKeys(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { uuid name } } } }
    virtualKeys(first: 5) { totalCount edges { node { name value isActive team { name } customer { name } } } } } } } }`, true],
  ["keys, every relation", "VirtualKey", `query($s: String!) { virtualKeys(filter: { search: $s }, orderBy: { field: NAME, direction: DESC }) { edges { node {
    id uuid name description value isActive calendarAligned allowAllProviders spend overBudget createdAt
    team { name budget { maxLimit } customer { name rateLimit { requestMaxLimit } } } customer { name budgets { maxLimit } }
    budget { ${budgetFields} } rateLimit { ${rateFields} }
    providerConfigs { id provider weight allowedModels allowAllKeys createdAt budget { maxLimit usage } budgets { resetDuration } rateLimit { requestMaxLimit requests { remaining } }
      virtualKey { name } keys { keyId name provider models weight enabled useForBatchApi value { fromEnv envVar } configKind providerConfigs { id provider } } }
    mcpConfigs { id toolsToExecute mcpClient { name connectionType toolsToExecute } virtualKey { name } } } } } }`, true],
  ["teams with profile-less selection and nested paging", "Team", `query($s: String!) { teams(filter: { search: $s }, first: 1) { totalCount edges { node {
    name customer { name virtualKeys(first: 1) { edges { node { name } } } } virtualKeys(first: 1, after: null) { totalCount edges { cursor node { name budgets { maxLimit } } } } } } } }`, true],
  ["a nested last: page (Prisma fallback)", "Customer", `query($s: String!) { customers(filter: { search: $s }) { edges { node { name virtualKeys(last: 1) { edges { node { name } } } } } } }`, false],
];

describe("GraphQL answers are the same with the hot path on and off", () => {
  for (const [label, model, query, hot] of queries) {
    it(label, async () => {
      const statements: string[] = [];
      const stop = onQuery((sql) => void statements.push(sql));
      const on = await executeRaw(query, { s: prefix }).finally(stop);
      // The page's nodes come with the keyset page (json-select's SQL names tables unqualified); Prisma's fallback reads the table as "public"."…".
      expect(statements.some((sql) => sql.includes(`FROM "public"."${model}"`)), "loaded by Prisma").toBe(!hot);
      jsonSelect.enabled = false;
      try {
        const off = await executeRaw(query, { s: prefix });
        expect(on.errors).toBeUndefined();
        expect(on).toEqual(off);
      } finally {
        jsonSelect.enabled = true;
      }
      expect(JSON.stringify(on.data)).toContain(prefix);
    });
  }
});
