/**
 * The REST key list built as JSON by PostgreSQL (listVirtualKeysJson, src/services/virtual-key-json.ts) answers
 * byte for byte what the general path writes (listVirtualKeys rows → src/rest/serialize.ts): keys with every
 * relation, nulls, many-digit decimals and doubles, odd text, for every filter, paged and unpaged, for a scoped
 * customer-admin; in two statements; never a provider secret.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createContext, type RequestContext } from "../../src/context.js";
import { db, onQuery } from "../../src/db/client.js";
import { listEnvelope, listEnvelopeBytes, virtualKey } from "../../src/rest/serialize.js";
import { listVirtualKeys, listVirtualKeysJson, type VirtualKeyListQuery } from "../../src/services/virtual-keys.js";
import { app, rest, unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";

const prefix = unique("vkjson");
const SECRET = "sk-live-NEVER-RETURNED";
const odd = `line1\nline2 "quoted" \\ back\tslash / \u2028 \u0001 \u001f é 😀 %_`;
const w = { customer: "", team: "", bareTeam: "", full: "", direct: "" };

beforeAll(async () => {
  const envKey = await createProviderKey("openai");
  const secretKey = await createProviderKey("openai", { value: SECRET, models: [] });
  await db.providerKey.update({ where: { id: envKey.id }, data: { weight: 1e-7 } });
  const mcp = await createMcpClient();
  const ok = <T>(r: { status: number; body: T }) => {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as any;
  };
  const c = ok(await rest("POST", "/api/governance/customers", {
    name: `${prefix}-c ${odd}`,
    email: "owner@example.com",
    budgets: [{ max_limit: 100.125, reset_duration: "1M" }, { max_limit: 10, reset_duration: "1d" }],
    rate_limit: { token_max_limit: 9_007_199_254_740_000, token_reset_duration: "1h", request_max_limit: 5, request_reset_duration: "1m" },
  })).customer;
  w.customer = c.id;
  w.team = ok(await rest("POST", "/api/governance/teams", { name: `${prefix}-t`, customer_id: c.id, budget: { max_limit: 50, reset_duration: "1w" } })).team.id;
  w.bareTeam = ok(await rest("POST", "/api/governance/teams", { name: `${prefix}-t-bare` })).team.id;
  const full = ok(await rest("POST", "/api/governance/virtual-keys", {
    name: `${prefix}-k-full`,
    description: odd,
    team_id: w.team,
    disable_content_logging: true,
    budgets: [{ max_limit: 2.5, reset_duration: "1d" }, { max_limit: 1, reset_duration: "1h30m" }, { max_limit: 3, reset_duration: "90m1s" }],
    rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" },
    provider_configs: [
      { provider: "openai", weight: 0.1, allowed_models: ["gpt-4o", "regex:^gpt-.*$"], blacklisted_models: ["gpt-4o-mini"], key_ids: [secretKey.keyId, envKey.keyId], budget: { max_limit: 1, reset_duration: "1d" }, rate_limit: { request_max_limit: 3, request_reset_duration: "1m" } },
      { provider: "anthropic", allowed_models: ["*"] },
    ],
    mcp_configs: [{ mcp_client_name: mcp.name, tools_to_execute: ["search", "fetch"] }],
  })).virtual_key;
  w.full = full.id;
  const [first, second] = await db.budget.findMany({ where: { virtualKeyId: full.id }, orderBy: { resetDuration: "asc" } });
  await db.budget.update({ where: { id: first!.id }, data: { maxLimit: "9999999999.9999999999", currentUsage: "1.0000000001", overrideAmount: "0.5", overrideMode: "cycles", overrideCyclesRemaining: 2 } });
  await db.budget.update({ where: { id: second!.id }, data: { currentUsage: "0.0000001", overrideAmount: "1234567.0000000001", overrideMode: "forever" } });
  await db.budget.updateMany({ where: { providerConfig: { virtualKeyId: full.id } }, data: { currentUsage: "0.00001", lastReset: new Date("0999-12-31T23:59:59.999Z") } });
  await db.rateLimit.update({ where: { virtualKeyId: full.id }, data: { tokenCurrentUsage: 2n ** 53n + 1n, tokenLastReset: new Date("2026-03-04T05:06:07.089Z") } });
  w.direct = ok(await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k-direct`, customer_id: c.id, is_active: false, disable_content_logging: false })).virtual_key.id;
  ok(await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k-bare-team`, team_id: w.bareTeam, description: "" }));
  ok(await rest("POST", "/api/governance/virtual-keys", { name: `${prefix}-k-bare` }));
});

const admin = () => createContext();
const customerAdmin = (customerId: string): RequestContext => createContext(undefined, { principal: { id: "test", name: "test", role: "customer-admin", customerId } });

async function both(ctx: RequestContext, q: VirtualKeyListQuery) {
  const general = JSON.stringify(listEnvelope("virtual_keys", await listVirtualKeys(ctx, q), (vk) => virtualKey(vk)));
  const bytes = listEnvelopeBytes("virtual_keys", await listVirtualKeysJson(ctx, q));
  expect(Buffer.from(general).equals(bytes), "the same UTF-8 bytes").toBe(true);
  return { general, fast: Buffer.from(bytes).toString() };
}

describe("listVirtualKeysJson writes what serialize.ts writes", () => {
  const search = () => prefix;
  const cases: [string, () => [RequestContext, VirtualKeyListQuery], number][] = [
    ["search, default page", () => [admin(), { search: search() }], 4],
    ["search, limit and offset", () => [admin(), { search: search(), limit: "2", offset: "1" }], 2],
    ["search past the end", () => [admin(), { search: search(), offset: "100" }], 0],
    ["search matching % and _ literally", () => [admin(), { search: `${prefix}-k-full%` }], 0],
    ["team_id", () => [admin(), { teamId: w.team }], 1],
    ["customer_id (direct keys only)", () => [admin(), { customerId: w.customer }], 1],
    ["team_id or customer_id, paged", () => [admin(), { teamId: w.team, customerId: w.customer, limit: "1" }], 1],
    ["team_id that is no uuid", () => [admin(), { teamId: "nope" }], 0],
    ["customer-admin, unpaged: its customer's keys", () => [customerAdmin(w.customer), {}], 2],
    ["customer-admin, search", () => [customerAdmin(w.customer), { search: search(), limit: "100" }], 2],
    ["customer-admin, another customer's team", () => [customerAdmin(w.customer), { teamId: w.bareTeam }], 0],
    ["customer-admin of another customer", () => [customerAdmin(crypto.randomUUID()), {}], 0],
  ];
  for (const [label, args, count] of cases) {
    it(label, async () => {
      const [ctx, q] = args();
      const { general, fast } = await both(ctx, q);
      expect(fast).toBe(general);
      expect(JSON.parse(fast).count).toBe(count);
    });
  }

  it("includes every relation and never a provider secret", async () => {
    const { fast } = await both(admin(), { search: `${prefix}-k-full` });
    expect(fast).not.toContain(SECRET);
    const [key] = JSON.parse(fast).virtual_keys;
    expect(key.budgets.map((b: { reset_duration: string }) => b.reset_duration)).toEqual(["1h30m", "90m1s", "1d"]);
    expect(key.budget_id).toBe(key.budgets[0].id);
    expect(key).toMatchObject({ description: odd, disable_content_logging: true, team: { customer: { email: "owner@example.com" } }, rate_limit: { token_current_usage: 2 ** 53 } });
    expect(key.provider_configs[0].keys.map((k: { value: object }) => k.value)).toEqual([
      { value: "", env_var: "env.OPENAI_API_KEY", from_env: true },
      { value: "", env_var: "", from_env: false },
    ]);
    expect(key.mcp_configs).toHaveLength(1);
  });

  it("runs two statements (one when no key matches)", async () => {
    const statements: string[] = [];
    const stop = onQuery((sql) => void statements.push(sql));
    try {
      await listVirtualKeysJson(admin(), { search: prefix, limit: "100" });
      expect(statements).toHaveLength(2);
      await listVirtualKeysJson(admin(), { search: `${prefix}-nothing`, limit: "100" });
      expect(statements).toHaveLength(3);
    } finally {
      stop();
    }
  });

  it("is what GET /api/governance/virtual-keys sends", async () => {
    const path = `/api/governance/virtual-keys?search=${encodeURIComponent(prefix)}&limit=3`;
    const res = await app.fetch(new Request(`http://test${path}`));
    expect(res.status).toBe(200);
    const general = await app.fetch(new Request("http://test/api/governance/teams?limit=1"));
    // content-length and Vary follow the body's size (compression leaves answers under 1 KiB alone)
    const headers = (r: Response) => [...r.headers].filter(([name]) => name !== "x-request-id" && name !== "content-length" && name !== "vary");
    expect(headers(res)).toEqual(headers(general));
    expect(await res.text()).toBe((await both(admin(), { search: prefix, limit: "3" })).general);
  });
});
