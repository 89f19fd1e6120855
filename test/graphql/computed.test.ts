/** Computed fields (reset-aware budgets and rate windows, effectiveLimits), both directions of relations, virtualKeyByValue. */
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { db } from "../../src/db/client.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";
import { execute, ok } from "../helpers/graphql.js";

const NewTeam = graphql(/* GraphQL */ `
  mutation CompNewTeam($input: CreateTeamInput!) { createTeam(input: $input) { __typename ... on TeamPayload { team { uuid } } } }
`);
const NewCustomer = graphql(/* GraphQL */ `
  mutation CompNewCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename ... on CustomerPayload { customer { uuid } } } }
`);
const NewKey = graphql(/* GraphQL */ `
  mutation CompNewKey($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) { __typename ... on CreateVirtualKeyPayload { value virtualKey { uuid } } }
  }
`);
const KeyLimits = graphql(/* GraphQL */ `
  query KeyLimits($id: String!, $provider: String) {
    virtualKey(id: $id) {
      budgets { resetDuration maxLimit currentUsage usage effectiveLimit remaining percentUsed exhausted expired nextResetAt ownerKind virtualKey { uuid } }
      rateLimit {
        tokens { kind maxLimit resetDuration usage remaining percentUsed exhausted expired nextResetAt }
        requests { kind maxLimit usage remaining percentUsed exhausted }
        ownerKind
      }
      effectiveLimits(provider: $provider) {
        blocked
        budgets { level ownerName provider remaining percentUsed exhausted budget { resetDuration } }
        rateLimits { level ownerName window { kind } remaining }
        tightestBudget { level ownerName remaining }
        tightestTokenLimit { level remaining }
        tightestRequestLimit { level ownerName remaining }
      }
    }
  }
`);
const Relations = graphql(/* GraphQL */ `
  query CompRelations($client: String!, $provider: String!) {
    mcpClient(name: $client) { name headerNames configs { toolsToExecute virtualKey { name } } }
    provider(name: $provider) { name keys { name value { fromEnv envVar } providerConfigs { provider virtualKey { name } } } }
  }
`);
const ByValue = graphql(/* GraphQL */ `
  query CompByValue($value: String!) {
    virtualKeyByValue(value: $value) { __typename ... on VirtualKey { uuid name } ... on Error { message code } }
  }
`);

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
let key: { id: string; value: string; name: string; teamName: string; customerName: string };
let at: { recent: number; old: number; half: number };

beforeAll(async () => {
  const customerName = unique("comp-cust");
  const customerId = ok((await execute(NewCustomer, { input: { name: customerName, budget: { maxLimit: 100, resetDuration: "1M" } } })).data?.createCustomer, "CustomerPayload").customer.uuid;
  const teamName = unique("comp-team");
  const teamId = ok((await execute(NewTeam, { input: { name: teamName, customerId, rateLimit: { requestMaxLimit: 3, requestResetDuration: "1h" } } })).data?.createTeam, "TeamPayload").team.uuid;
  const name = unique("comp-vk");
  const created = ok(
    (await execute(NewKey, {
      input: {
        name,
        teamId,
        budgets: [{ maxLimit: 10, resetDuration: "1d" }, { maxLimit: 50, resetDuration: "1w" }],
        rateLimit: { tokenMaxLimit: 1000, tokenResetDuration: "1h" },
        providerConfigs: [{ provider: "openai", budget: { maxLimit: 4, resetDuration: "1h" } }, { provider: "anthropic", budget: { maxLimit: 1, resetDuration: "1h" } }],
      },
    })).data?.createVirtualKey,
    "CreateVirtualKeyPayload",
  );
  key = { id: created.virtualKey.uuid, value: created.value, name, teamName, customerName };
  const now = Date.now();
  at = { recent: now - HOUR, old: now - 25 * HOUR, half: now - HOUR / 2 };
  // 1d budget: 11 of 10 spent, window opened an hour ago (exhausted); 1w budget: 40 of 50, window 25h old (open).
  await db.budget.update({ where: { virtualKeyId_resetDuration: { virtualKeyId: key.id, resetDuration: "1d" } }, data: { currentUsage: 11, lastReset: new Date(at.recent) } });
  await db.budget.update({ where: { virtualKeyId_resetDuration: { virtualKeyId: key.id, resetDuration: "1w" } }, data: { currentUsage: 40, lastReset: new Date(at.old) } });
  await db.rateLimit.update({ where: { virtualKeyId: key.id }, data: { tokenCurrentUsage: 250n, tokenLastReset: new Date(at.half) } });
  await db.rateLimit.update({ where: { teamId }, data: { requestCurrentUsage: 3n, requestLastReset: new Date(at.old) } });
});

describe("budget and rate-limit computed fields", () => {
  it("are reset-aware and include overrides while they apply", async () => {
    const { data, errors } = await execute(KeyLimits, { id: key.id });
    expect(errors).toBeUndefined();
    const [day, week] = data!.virtualKey!.budgets.sort((a, b) => a.maxLimit - b.maxLimit);
    expect(day).toEqual({
      resetDuration: "1d", maxLimit: 10, currentUsage: 11, usage: 11, effectiveLimit: 10, remaining: 0, percentUsed: 110, exhausted: true, expired: false,
      nextResetAt: iso(at.recent + 24 * HOUR), ownerKind: "VIRTUAL_KEY", virtualKey: { uuid: key.id },
    });
    expect(week).toMatchObject({ usage: 40, remaining: 10, percentUsed: 80, exhausted: false, expired: false, nextResetAt: iso(at.old + 7 * 24 * HOUR) });
    expect(data!.virtualKey!.rateLimit).toEqual({
      tokens: { kind: "TOKENS", maxLimit: 1000, resetDuration: "1h", usage: 250, remaining: 750, percentUsed: 25, exhausted: false, expired: false, nextResetAt: iso(at.half + HOUR) },
      requests: { kind: "REQUESTS", maxLimit: null, usage: 0, remaining: null, percentUsed: null, exhausted: false },
      ownerKind: "VIRTUAL_KEY",
    });

    const where = { virtualKeyId_resetDuration: { virtualKeyId: key.id, resetDuration: "1d" } };
    await db.budget.update({ where, data: { overrideAmount: 5, overrideMode: "forever" } });
    const forever = (await execute(KeyLimits, { id: key.id })).data!.virtualKey!.budgets.find((b) => b.resetDuration === "1d")!;
    expect(forever).toMatchObject({ effectiveLimit: 15, remaining: 4, percentUsed: 73.3333, exhausted: false });
    await db.budget.update({ where, data: { overrideAmount: 0.5, overrideMode: "cycles", overrideCyclesRemaining: 2 } });
    expect((await execute(KeyLimits, { id: key.id })).data!.virtualKey!.budgets.find((b) => b.resetDuration === "1d")).toMatchObject({ effectiveLimit: 10.5, remaining: 0, exhausted: true });

    await db.budget.update({ where, data: { overrideAmount: null, overrideMode: null, overrideCyclesRemaining: null, lastReset: new Date(at.old) } });
    const before = Date.now();
    const expired = (await execute(KeyLimits, { id: key.id })).data!.virtualKey!.budgets.find((b) => b.resetDuration === "1d")!;
    expect(expired).toMatchObject({ currentUsage: 11, usage: 0, remaining: 10, percentUsed: 0, exhausted: false, expired: true });
    const next = Date.parse(expired.nextResetAt!) - 24 * HOUR;
    expect(next).toBeGreaterThanOrEqual(before);
    expect(next).toBeLessThanOrEqual(Date.now());
    await db.budget.update({ where, data: { lastReset: new Date(at.recent) } });
  });
});

describe("effectiveLimits", () => {
  it("lists every level in check order and picks the tightest of each kind", async () => {
    const all = (await execute(KeyLimits, { id: key.id })).data!.virtualKey!.effectiveLimits;
    expect(all.budgets.map((b) => [b.level, b.ownerName, b.provider, b.budget.resetDuration, b.remaining, b.exhausted])).toEqual([
      ["PROVIDER_CONFIG", "openai", "openai", "1h", 4, false],
      ["PROVIDER_CONFIG", "anthropic", "anthropic", "1h", 1, false],
      ["VIRTUAL_KEY", key.name, null, "1d", 0, true],
      ["VIRTUAL_KEY", key.name, null, "1w", 10, false],
      ["CUSTOMER", key.customerName, null, "1M", 100, false],
    ]);
    expect(all.tightestBudget).toEqual({ level: "VIRTUAL_KEY", ownerName: key.name, remaining: 0 });
    // The team's request window (3 of 3) expired 24h ago: it counts as fresh.
    expect(all.rateLimits).toEqual([
      { level: "VIRTUAL_KEY", ownerName: key.name, window: { kind: "TOKENS" }, remaining: 750 },
      { level: "TEAM", ownerName: key.teamName, window: { kind: "REQUESTS" }, remaining: 3 },
    ]);
    expect(all.tightestTokenLimit).toEqual({ level: "VIRTUAL_KEY", remaining: 750 });
    expect(all.tightestRequestLimit).toEqual({ level: "TEAM", ownerName: key.teamName, remaining: 3 });
    expect(all.blocked).toBe(true);
  });

  it("with provider: only that provider's config among the provider-config levels", async () => {
    await db.budget.updateMany({ where: { virtualKeyId: key.id, resetDuration: "1d" }, data: { currentUsage: 9.5 } });
    const openai = (await execute(KeyLimits, { id: key.id, provider: "openai" })).data!.virtualKey!.effectiveLimits;
    expect(openai.budgets.map((b) => [b.level, b.ownerName, b.remaining])).toEqual([
      ["PROVIDER_CONFIG", "openai", 4],
      ["VIRTUAL_KEY", key.name, 0.5],
      ["VIRTUAL_KEY", key.name, 10],
      ["CUSTOMER", key.customerName, 100],
    ]);
    expect(openai.tightestBudget).toEqual({ level: "VIRTUAL_KEY", ownerName: key.name, remaining: 0.5 });
    expect(openai.blocked).toBe(false);
    const anthropic = (await execute(KeyLimits, { id: key.id, provider: "anthropic" })).data!.virtualKey!.effectiveLimits;
    expect(anthropic.tightestBudget).toEqual({ level: "VIRTUAL_KEY", ownerName: key.name, remaining: 0.5 });
    await db.budget.updateMany({ where: { virtualKeyId: key.id, resetDuration: "1d" }, data: { currentUsage: 11 } });
  });
});

describe("relations both ways", () => {
  it("MCP client → its configs → keys; provider → keys → provider configs → keys (secrets redacted)", async () => {
    const client = unique("comp_mcp").replace(/-/g, "_");
    await createMcpClient(client);
    const pk = await createProviderKey("openai", { name: unique("comp-pk"), value: "sk-live-secret" });
    const name = unique("comp-rel");
    ok((await execute(NewKey, { input: { name, mcpConfigs: [{ mcpClientName: client, toolsToExecute: ["search"] }], providerConfigs: [{ provider: "openai", keyIds: [pk.keyId] }] } })).data?.createVirtualKey, "CreateVirtualKeyPayload");
    const { data } = await execute(Relations, { client, provider: "openai" });
    expect(data!.mcpClient).toEqual({ name: client, headerNames: [], configs: [{ toolsToExecute: ["search"], virtualKey: { name } }] });
    const mine = data!.provider!.keys.find((k) => k.name === pk.name);
    expect(mine).toEqual({ name: pk.name, value: { fromEnv: false, envVar: null }, providerConfigs: [{ provider: "openai", virtualKey: { name } }] });
    expect(JSON.stringify(data)).not.toContain("sk-live-secret");
  });
});

describe("virtualKeyByValue", () => {
  const guarded = createGraphqlHandler(loadConfig({ ...process.env, DATABASE_URL: "", ADMIN_TOKEN: "s3cret" }), createLogger("silent"));
  const fetch = (r: Request) => guarded.fetch(r);

  it("needs an admin credential: a typed UnauthenticatedError without one", async () => {
    expect((await execute(ByValue, { value: key.value }, { fetch })).data?.virtualKeyByValue).toEqual({
      __typename: "UnauthenticatedError", code: "UNAUTHENTICATED", message: "Authentication required: send Authorization: Bearer <management key>",
    });
    const admin = { fetch, headers: { authorization: "Bearer s3cret" } };
    expect((await execute(ByValue, { value: key.value }, admin)).data?.virtualKeyByValue).toEqual({ __typename: "VirtualKey", uuid: key.id, name: key.name });
    expect((await execute(ByValue, { value: `${key.value}x` }, admin)).data?.virtualKeyByValue).toBeNull();
  });
});
