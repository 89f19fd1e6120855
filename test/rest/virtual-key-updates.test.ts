/**
 * PUT /api/governance/virtual-keys/{id} rule by rule (spec §2.4, §6, Part 1 §4/§11): presence-aware
 * ownership, budget/budgets reconcile, calendar alignment, usage reset, rate-limit merge validation,
 * provider/MCP config reconcile. Every case checks the response AND the stored rows.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";
import { normalize, readGolden } from "../helpers/shape.js";

const VK = "/api/governance/virtual-keys";
const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const failed = (reason: string) => envelope(400, `Failed to update virtual key: ${reason}`);
const MISSING = "00000000-0000-4000-8000-000000000000";

async function createKey(body: Record<string, unknown> = {}) {
  const res = await rest("POST", VK, { name: unique("vk"), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.virtual_key;
}
const put = (id: string, body: unknown) => rest("PUT", `${VK}/${id}`, body);
const row = (id: string) => db.virtualKey.findUniqueOrThrow({ where: { id } });
const budgetsOf = async (virtualKeyId: string) =>
  (await db.budget.findMany({ where: { virtualKeyId }, orderBy: { resetDuration: "asc" } })).map((b) => ({
    id: b.id,
    max: Number(b.maxLimit),
    window: b.resetDuration,
    usage: Number(b.currentUsage),
    lastReset: b.lastReset.toISOString(),
    aligned: b.calendarAligned,
  }));

describe("ownership (presence-aware)", () => {
  it("absent keeps, null / \"\" / whitespace clear, a value switches and clears the other", async () => {
    const team = (await rest("POST", "/api/governance/teams", { name: unique("team") })).body.team.id;
    const cust = (await rest("POST", "/api/governance/customers", { name: unique("cust") })).body.customer.id;
    const k = await createKey({ team_id: team });
    expect((await put(k.id, { is_active: false })).body.virtual_key).toMatchObject({ team_id: team, is_active: false });
    for (const clear of [null, "", "   "]) {
      await put(k.id, { team_id: team });
      const res = await put(k.id, { team_id: clear });
      expect(res.body.virtual_key).not.toHaveProperty("team_id");
      expect(await row(k.id)).toMatchObject({ teamId: null, customerId: null });
    }
    await put(k.id, { customer_id: cust });
    const res = await put(k.id, { team_id: team });
    expect(res.body.virtual_key).toMatchObject({ team_id: team, team: { id: team } });
    expect(await row(k.id)).toMatchObject({ teamId: team, customerId: null });
  });

  it("a missing team or customer → 400 naming it, nothing changed", async () => {
    const k = await createKey({ description: "before" });
    expect((await put(k.id, { team_id: MISSING, description: "after" })).body).toEqual(failed(`Team not found: ${MISSING}`));
    expect((await put(k.id, { customer_id: "nope" })).body).toEqual(failed("Customer not found: nope"));
    expect(await row(k.id)).toMatchObject({ description: "before", teamId: null, customerId: null });
  });

  it("blank name → 400; unknown field → 400 naming it", async () => {
    const k = await createKey();
    expect((await put(k.id, { name: "  " })).body).toEqual(envelope(400, "Virtual key name is required"));
    expect((await put(k.id, { nmae: "x" })).body).toEqual(envelope(400, "Unknown field: nmae"));
    expect((await put(k.id, { value: "sk-bf-mine" })).body).toEqual(envelope(400, "Unknown field: value"));
    expect((await row(k.id)).name).toBe(k.name);
  });

  it("records the golden response of an update", async () => {
    const team = (await rest("POST", "/api/governance/teams", { name: unique("team") })).body.team.id;
    const k = await createKey({ budget: { max_limit: 10, reset_duration: "1d" } });
    const res = await put(k.id, {
      name: unique("vk-renamed"),
      description: "updated",
      team_id: team,
      budget: { max_limit: 25 },
      rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" },
      provider_configs: [{ provider: "openai", weight: 0.5, allowed_models: ["gpt-4o"] }],
    });
    expect(res.status).toBe(200);
    expect(normalize(res.body)).toEqual(readGolden("put-virtual-keys", res.body));
  });
});

describe("one transaction", () => {
  it("a failure late in the update rolls back every earlier write", async () => {
    const other = await createKey({ provider_configs: [{ provider: "openai" }] });
    const k = await createKey({
      description: "before",
      budget: { max_limit: 10, reset_duration: "1d" },
      rate_limit: { request_max_limit: 3, request_reset_duration: "1m" },
      provider_configs: [{ provider: "anthropic" }],
    });
    const res = await put(k.id, {
      name: unique("vk-new"),
      description: "after",
      budget: { max_limit: 99 },
      rate_limit: {},
      provider_configs: [{ provider: "openai" }, { id: other.provider_configs[0].id, provider: "openai" }],
    });
    expect(res.body).toEqual(failed(`provider config ${other.provider_configs[0].id} does not belong to this virtual key`));
    expect(await row(k.id)).toMatchObject({ name: k.name, description: "before" });
    expect(await budgetsOf(k.id)).toMatchObject([{ id: k.budget.id, max: 10 }]);
    expect(await db.rateLimit.count({ where: { id: k.rate_limit.id } })).toBe(1);
    expect(await db.providerConfig.findMany({ where: { virtualKeyId: k.id }, select: { id: true, provider: true } })).toEqual([
      { id: k.provider_configs[0].id, provider: "anthropic" },
    ]);
  });
});

describe("budget (SEED single budget)", () => {
  it("partial edits are validated; bad input is never stored", async () => {
    const k = await createKey({ budget: { max_limit: 10, reset_duration: "1d" } });
    expect((await put(k.id, { budget: { max_limit: 0 } })).body).toEqual(failed("budget max limit cannot be negative or zero: 0.00"));
    expect((await put(k.id, { budget: { max_limit: -2 } })).body).toEqual(failed("Budget max_limit cannot be negative: -2.00"));
    expect((await put(k.id, { budget: { reset_duration: "banana" } })).body).toEqual(failed("Invalid reset duration format: banana"));
    expect((await put(k.id, { budget: { reset_duration: "0s" } })).body).toEqual(failed("reset duration must be > 0: 0s"));
    expect(await budgetsOf(k.id)).toMatchObject([{ max: 10, window: "1d" }]);
    const res = await put(k.id, { budget: { reset_duration: "1w" } });
    expect(res.body.virtual_key.budget).toMatchObject({ id: k.budget.id, max_limit: 10, reset_duration: "1w" });
  });

  it("creates a budget when none exists (both fields), validated", async () => {
    const k = await createKey();
    expect((await put(k.id, { budget: { reset_duration: "1d" } })).body).toEqual(
      failed("both max_limit and reset_duration are required when creating a new budget"),
    );
    expect((await put(k.id, { budget: { max_limit: 0, reset_duration: "1d" } })).body).toEqual(failed("budget max limit cannot be negative or zero: 0.00"));
    const res = await put(k.id, { budget: { max_limit: 7, reset_duration: "1h" } });
    expect(res.body.virtual_key.budget).toMatchObject({ max_limit: 7, reset_duration: "1h", current_usage: 0 });
    expect(await budgetsOf(k.id)).toMatchObject([{ max: 7, window: "1h", usage: 0 }]);
  });

  it("budget and budgets together → 400", async () => {
    const k = await createKey();
    const res = await put(k.id, { budget: { max_limit: 1, reset_duration: "1d" }, budgets: [{ max_limit: 1, reset_duration: "1h" }] });
    expect(res.body).toEqual(envelope(400, "use either budget or budgets, not both"));
    expect(await db.budget.count({ where: { virtualKeyId: k.id } })).toBe(0);
  });
});

describe("budgets[] reconcile (spec §6)", () => {
  async function keyWithUsage() {
    const k = await createKey({ budgets: [{ max_limit: 5, reset_duration: "1h" }, { max_limit: 10, reset_duration: "1d" }] });
    const at = new Date("2026-03-04T05:06:07.890Z");
    for (const [window, usage] of [["1h", 1.5], ["1d", 2.5]] as const) {
      await db.budget.updateMany({ where: { virtualKeyId: k.id, resetDuration: window }, data: { currentUsage: usage, lastReset: at } });
    }
    const byWindow = Object.fromEntries((await budgetsOf(k.id)).map((b) => [b.window, b.id]));
    return { k, at: at.toISOString(), hour: byWindow["1h"]!, day: byWindow["1d"]! };
  }

  it("matches by id first (even with a new window), then by window; unmatched are created or deleted", async () => {
    const { k, at, hour, day } = await keyWithUsage();
    const res = await put(k.id, {
      budgets: [
        { id: hour, max_limit: 6, reset_duration: "2h" },
        { max_limit: 20, reset_duration: "1d" },
        { max_limit: 50, reset_duration: "1w" },
      ],
    });
    expect(res.status).toBe(200);
    const after = await budgetsOf(k.id);
    expect(after).toHaveLength(3);
    expect(after.find((b) => b.id === hour)).toMatchObject({ max: 6, window: "2h", usage: 1.5, lastReset: at });
    expect(after.find((b) => b.id === day)).toMatchObject({ max: 20, window: "1d", usage: 2.5, lastReset: at });
    expect(after.find((b) => b.window === "1w")).toMatchObject({ max: 50, usage: 0 });
    expect(res.body.virtual_key.budgets).toHaveLength(3);
    expect(res.body.virtual_key.budget.id).toBe(hour);

    const replaced = await put(k.id, { budgets: [{ max_limit: 1, reset_duration: "1M" }] });
    expect(replaced.status).toBe(200);
    expect(await budgetsOf(k.id)).toMatchObject([{ max: 1, window: "1M", usage: 0 }]);
    expect(await db.budget.count({ where: { id: { in: [hour, day] } } })).toBe(0);
  });

  it("two budgets may swap windows; usage follows the id", async () => {
    const { k, hour, day } = await keyWithUsage();
    const res = await put(k.id, { budgets: [{ id: hour, reset_duration: "1d" }, { id: day, reset_duration: "1h" }] });
    expect(res.status).toBe(200);
    expect(await budgetsOf(k.id)).toMatchObject([
      { id: hour, window: "1d", usage: 1.5, max: 5 },
      { id: day, window: "1h", usage: 2.5, max: 10 },
    ]);
  });

  it("unknown id, duplicate windows and bad values → 400 and nothing changes", async () => {
    const { k } = await keyWithUsage();
    const before = await budgetsOf(k.id);
    expect((await put(k.id, { budgets: [{ id: MISSING, max_limit: 1 }] })).body).toEqual(failed(`budget ${MISSING} does not belong to this virtual key`));
    expect((await put(k.id, { budgets: [{ max_limit: 1, reset_duration: "1w" }, { max_limit: 2, reset_duration: "1w" }] })).body).toEqual(
      failed("duplicate reset_duration in budgets: 1w"),
    );
    expect((await put(k.id, { budgets: [{ max_limit: 1, reset_duration: "1h" }, { max_limit: 0, reset_duration: "1d" }] })).body).toEqual(
      failed("budget max limit cannot be negative or zero: 0.00"),
    );
    expect((await put(k.id, { budgets: [{ max_limit: 3 }] })).body).toEqual(failed("both max_limit and reset_duration are required when creating a new budget"));
    expect(await budgetsOf(k.id)).toEqual(before);
  });

  it("budgets: [] removes every budget", async () => {
    const { k } = await keyWithUsage();
    expect((await put(k.id, { budgets: [] })).body.virtual_key).not.toHaveProperty("budgets");
    expect(await db.budget.count({ where: { virtualKeyId: k.id } })).toBe(0);
  });

  it("reset_budget_usage clears usage and keeps last_reset", async () => {
    const { k, at } = await keyWithUsage();
    const res = await put(k.id, { reset_budget_usage: true });
    expect(res.body.virtual_key.budgets.map((b: any) => b.current_usage)).toEqual([0, 0]);
    expect((await budgetsOf(k.id)).map((b) => [b.usage, b.lastReset])).toEqual([[0, at], [0, at]]);
  });
});

describe("calendar_aligned switched on (Part 1 §11)", () => {
  it("keeps usage and snaps last_reset to the period start, for the key's and its provider configs' budgets", async () => {
    const k = await createKey({
      budget: { max_limit: 10, reset_duration: "1M" },
      provider_configs: [{ provider: "openai", budget: { max_limit: 2, reset_duration: "1w" } }],
    });
    await db.budget.updateMany({ where: { OR: [{ virtualKeyId: k.id }, { providerConfig: { virtualKeyId: k.id } }] }, data: { currentUsage: 3 } });
    const before = new Date();
    const res = await put(k.id, { calendar_aligned: true });
    const now = new Date();
    expect(res.body.virtual_key).toMatchObject({ calendar_aligned: true, budget: { calendar_aligned: true, current_usage: 3 } });
    const own = await db.budget.findFirstOrThrow({ where: { virtualKeyId: k.id } });
    const monthStart = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    expect([monthStart(before), monthStart(now)]).toContain(own.lastReset.getTime());
    expect(Number(own.currentUsage)).toBe(3);
    const pcBudget = await db.budget.findFirstOrThrow({ where: { providerConfig: { virtualKeyId: k.id } } });
    expect(pcBudget.calendarAligned).toBe(true);
    expect(pcBudget.lastReset.getUTCDay()).toBe(1);
    expect(pcBudget.lastReset.toISOString().slice(10)).toBe("T00:00:00.000Z");
    expect(Number(pcBudget.currentUsage)).toBe(3);

    const off = await put(k.id, { calendar_aligned: false });
    expect(off.body.virtual_key.budget).toMatchObject({ calendar_aligned: false, last_reset: own.lastReset.toISOString(), current_usage: 3 });
  });
});

describe("rate limit (merge, validated)", () => {
  it("an edit that would leave an invalid rate limit → 400, the stored row unchanged", async () => {
    const k = await createKey({ rate_limit: { request_max_limit: 3, request_reset_duration: "1m" } });
    expect((await put(k.id, { rate_limit: { token_max_limit: 100 } })).body).toEqual(failed("rate limit token reset duration is required"));
    expect((await put(k.id, { rate_limit: { request_max_limit: 0 } })).body).toEqual(failed("rate limit request max limit cannot be negative or zero: 0"));
    expect((await put(k.id, { rate_limit: { request_reset_duration: "soon" } })).body).toEqual(failed("invalid rate limit request reset duration format: soon"));
    const stored = await db.rateLimit.findUniqueOrThrow({ where: { virtualKeyId: k.id } });
    expect([stored.requestMaxLimit, stored.requestResetDuration, stored.tokenMaxLimit]).toEqual([3n, "1m", null]);
    const ok = await put(k.id, { rate_limit: { token_max_limit: 100, token_reset_duration: "1h" } });
    expect(ok.body.virtual_key.rate_limit).toMatchObject({ id: stored.id, token_max_limit: 100, request_max_limit: 3 });
  });

  it("creates a rate limit when none exists, validated like on create", async () => {
    const k = await createKey();
    expect((await put(k.id, { rate_limit: { token_max_limit: -5, token_reset_duration: "1m" } })).body).toEqual(
      failed("rate limit token max limit cannot be negative or zero: -5"),
    );
    expect(await db.rateLimit.count({ where: { virtualKeyId: k.id } })).toBe(0);
    const res = await put(k.id, { rate_limit: { request_max_limit: 2, request_reset_duration: "1m" } });
    expect(res.body.virtual_key.rate_limit).toMatchObject({ request_max_limit: 2, request_current_usage: 0 });
  });
});

describe("provider_configs reconcile", () => {
  it("edits an existing config's keys, budget and rate limit; omitted lists keep their value", async () => {
    const k1 = await createProviderKey("openai");
    const k2 = await createProviderKey("openai");
    const k = await createKey({
      provider_configs: [{ provider: "openai", allowed_models: ["gpt-4o"], key_ids: [k1.keyId], budget: { max_limit: 5, reset_duration: "1d" }, rate_limit: { request_max_limit: 4, request_reset_duration: "1m" } }],
    });
    const pc = k.provider_configs[0];
    const res = await put(k.id, { provider_configs: [{ id: pc.id, provider: "openai", weight: 3, key_ids: [k2.keyId], budget: { max_limit: 8 }, rate_limit: { request_max_limit: 9 } }] });
    expect(res.status).toBe(200);
    expect(res.body.virtual_key.provider_configs[0]).toMatchObject({
      id: pc.id,
      weight: 3,
      allowed_models: ["gpt-4o"],
      allow_all_keys: false,
      budget: { id: pc.budget.id, max_limit: 8, reset_duration: "1d" },
      rate_limit: { id: pc.rate_limit.id, request_max_limit: 9, request_reset_duration: "1m" },
    });
    expect(res.body.virtual_key.provider_configs[0].keys.map((x: any) => x.key_id)).toEqual([k2.keyId]);
    expect((await db.providerConfigKey.findMany({ where: { providerConfigId: pc.id } })).map((x) => x.providerKeyId)).toEqual([k2.id]);

    const all = await put(k.id, { provider_configs: [{ id: pc.id, provider: "openai", key_ids: ["*"], budget: {}, rate_limit: {} }] });
    expect(all.body.virtual_key.provider_configs[0]).toMatchObject({ allow_all_keys: true, keys: [], weight: null });
    expect(all.body.virtual_key.provider_configs[0]).not.toHaveProperty("budget");
    expect(await db.budget.count({ where: { providerConfigId: pc.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { providerConfigId: pc.id } })).toBe(0);
  });

  it("config limits on an edit are checked against the row: creating a budget needs both fields", async () => {
    const k = await createKey({ provider_configs: [{ provider: "openai" }] });
    const pc = k.provider_configs[0].id;
    expect((await put(k.id, { provider_configs: [{ id: pc, provider: "openai", budget: { max_limit: 1 } }] })).body).toEqual(
      failed("both max_limit and reset_duration are required when creating a new budget"),
    );
    expect((await put(k.id, { provider_configs: [{ id: pc, provider: "openai", budget: { max_limit: -1, reset_duration: "1d" } }] })).body).toEqual(
      failed("provider config budget max_limit cannot be negative: -1.00"),
    );
    expect((await put(k.id, { provider_configs: [{ provider: "openai", allowed_models: ["*", "gpt-4o"] }] })).body).toEqual(
      failed("invalid allowed_models for provider openai: wildcard '*' cannot be used with other values in the whitelist"),
    );
    expect(await db.providerConfig.findMany({ where: { virtualKeyId: k.id }, select: { id: true } })).toEqual([{ id: pc }]);
  });

  it("another key's config id → 400; omitted list unchanged; [] deletes all", async () => {
    const other = await createKey({ provider_configs: [{ provider: "openai" }] });
    const k = await createKey({ provider_configs: [{ provider: "openai" }, { provider: "anthropic" }] });
    const foreign = other.provider_configs[0].id;
    expect((await put(k.id, { provider_configs: [{ id: foreign, provider: "openai" }] })).body).toEqual(
      failed(`provider config ${foreign} does not belong to this virtual key`),
    );
    expect(await db.providerConfig.count({ where: { id: foreign, virtualKeyId: other.id } })).toBe(1);
    expect((await put(k.id, { description: "x" })).body.virtual_key.provider_configs).toHaveLength(2);
    expect((await put(k.id, { provider_configs: [] })).body.virtual_key.provider_configs).toEqual([]);
    expect(await db.providerConfig.count({ where: { virtualKeyId: k.id } })).toBe(0);
  });

  it("unknown key ids on an edit → 400 with Bifrost's text", async () => {
    const k = await createKey({ provider_configs: [{ provider: "openai" }] });
    const res = await put(k.id, { provider_configs: [{ id: k.provider_configs[0].id, provider: "openai", key_ids: [MISSING] }] });
    expect(res.body).toEqual(failed("some keys not found for provider openai: expected 1, found 0"));
  });
});

describe("mcp_configs reconcile", () => {
  it("creates, edits tools, deletes unlisted; foreign id and duplicate names → 400", async () => {
    const [m1, m2, m3] = [await createMcpClient(), await createMcpClient(), await createMcpClient()];
    const k = await createKey({ mcp_configs: [{ mcp_client_name: m1.name, tools_to_execute: ["a"] }, { mcp_client_name: m2.name }] });
    const [c1, c2] = k.mcp_configs;
    const res = await put(k.id, { mcp_configs: [{ id: c1.id, tools_to_execute: ["b", "c"] }, { mcp_client_name: m3.name, tools_to_execute: [] }] });
    expect(res.status).toBe(200);
    expect(res.body.virtual_key.mcp_configs.map((m: any) => [m.mcp_client_name, m.tools_to_execute])).toEqual([
      [m1.name, ["b", "c"]],
      [m3.name, []],
    ]);
    expect(await db.mcpConfig.count({ where: { id: c2.id } })).toBe(0);

    const other = await createKey({ mcp_configs: [{ mcp_client_name: m1.name }] });
    expect((await put(k.id, { mcp_configs: [{ id: other.mcp_configs[0].id }] })).body).toEqual(
      failed(`MCP config ${other.mcp_configs[0].id} does not belong to this virtual key`),
    );
    expect((await put(k.id, { mcp_configs: [{ mcp_client_name: m2.name }, { mcp_client_name: m2.name }] })).body).toEqual(failed(`duplicate mcp_client_name: ${m2.name}`));
    expect((await put(k.id, { mcp_configs: [{ id: c1.id }, { mcp_client_name: m1.name }] })).body).toEqual(failed(`duplicate mcp_client_name: ${m1.name}`));
    expect((await put(k.id, { mcp_configs: [{ mcp_client_name: "nope-nope" }] })).body).toEqual(failed("MCP client not found: nope-nope"));
    expect((await db.mcpConfig.findMany({ where: { virtualKeyId: k.id }, orderBy: { id: "asc" } })).map((m) => m.mcpClientId)).toEqual([m1.id, m3.id]);

    expect((await put(k.id, { name: unique("vk") })).body.virtual_key.mcp_configs).toHaveLength(2);
    expect((await put(k.id, { mcp_configs: [] })).body.virtual_key.mcp_configs).toEqual([]);
  });
});
