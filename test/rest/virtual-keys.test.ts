/**
 * Virtual keys end to end: spec §5 scenarios 24–56 and 59 in order (Part 1 statuses where they differ:
 * 29, 30, 32, 48, 53 answer 400), then DELETE cascades and rotation, each checked against the database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { hashKey } from "../../src/lib/api-keys.js";
import { rest, unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";
import { normalize, readGolden } from "../helpers/shape.js";

const VK = "/api/governance/virtual-keys";
const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const MISSING = "00000000-0000-4000-8000-000000000000";

describe("spec §5 scenarios 24–56", () => {
  let cust: string;
  let team: string;
  let vk: string;
  let vk2: string;
  let pc1: number;
  let names: { a: string; e: string };
  let createdValue: string;

  beforeAll(async () => {
    names = { a: unique("vk-a"), e: unique("vk-e") };
    cust = (await rest("POST", "/api/governance/customers", { name: unique("Acme") })).body.customer.id;
    team = (await rest("POST", "/api/governance/teams", { name: unique("Eng"), customer_id: cust })).body.team.id;
  });

  it("24: creates vk-a with team, budget, rate limit and a provider config", async () => {
    const res = await rest("POST", VK, {
      name: names.a,
      team_id: team,
      budget: { max_limit: 10, reset_duration: "1d" },
      rate_limit: { request_max_limit: 3, request_reset_duration: "1m" },
      provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["gpt-4o-mini"] }],
    });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Virtual key created successfully");
    const k = res.body.virtual_key;
    expect(k.value).toMatch(/^sk-bf-[0-9a-f-]{36}$/);
    expect(k).toMatchObject({ is_active: true, team_id: team, team: { id: team }, budget: { max_limit: 10 } });
    expect(k.rate_limit).toMatchObject({ request_max_limit: 3, request_current_usage: 0 });
    expect(k).not.toHaveProperty("customer_id");
    expect(Number.isInteger(k.provider_configs[0].id)).toBe(true);
    expect(k.provider_configs[0]).toMatchObject({ allowed_models: ["gpt-4o-mini"], keys: [] });
    expect(k.mcp_configs).toEqual([]);
    vk = k.id;
    pc1 = k.provider_configs[0].id;
    createdValue = k.value;
  });

  it.each([
    ["25", {}, "Virtual key name is required"],
    ["26", { name: "vk-b", team_id: MISSING, customer_id: MISSING }, "VirtualKey cannot be attached to both Team and Customer"],
    ["27", { name: "vk-b", budget: { max_limit: -1, reset_duration: "1d" } }, "Budget max_limit cannot be negative: -1.00"],
    ["28", { name: "vk-b", budget: { max_limit: 1, reset_duration: "" } }, "Invalid reset duration format: "],
    ["29", { name: "vk-b", rate_limit: { token_max_limit: -5, token_reset_duration: "1m" } }, "rate limit token max limit cannot be negative or zero: -5"],
    ["31", { name: "vk-c", mcp_configs: [{ mcp_client_name: "m1" }, { mcp_client_name: "m1" }] }, "duplicate mcp_client_name: m1"],
    ["32", { name: "vk-d", provider_configs: [{ provider: "openai", key_ids: ["00000000-0000-0000-0000-000000000000"] }] }, "some keys not found for provider openai: expected 1, found 0"],
  ])("%s: create validation → 400, nothing stored", async (_n, body, message) => {
    const name = unique("vk-b");
    const res = await rest("POST", VK, "name" in body ? { ...body, name } : body);
    expect(res.body).toEqual(envelope(400, message));
    expect(await db.virtualKey.count({ where: { name } })).toBe(0);
  });

  it("30: duplicate name → 400 already exists", async () => {
    const res = await rest("POST", VK, { name: names.a });
    expect(res.body).toEqual(envelope(400, "a record with this name already exists. Please use a different value"));
    expect(await db.virtualKey.count({ where: { name: names.a } })).toBe(1);
  });

  it("33: creates inactive vk-e attached to the customer", async () => {
    const res = await rest("POST", VK, { name: names.e, customer_id: cust, is_active: false });
    expect(res.status).toBe(200);
    expect(res.body.virtual_key).toMatchObject({ is_active: false, customer_id: cust, customer: { id: cust } });
    vk2 = res.body.virtual_key.id;
  });

  it("34: list without params returns every key in created_at order", async () => {
    const res = await rest("GET", VK);
    expect(res.status).toBe(200);
    const ids = res.body.virtual_keys.map((k: any) => k.id);
    expect(ids.indexOf(vk)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(vk)).toBeLessThan(ids.indexOf(vk2));
    expect(res.body).toMatchObject({ count: ids.length, total_count: ids.length, limit: ids.length, offset: 0 });
    const times = res.body.virtual_keys.map((k: any) => k.created_at);
    expect([...times].sort()).toEqual(times);
  });

  it("35–37: paging parameters", async () => {
    expect((await rest("GET", `${VK}?limit=abc`)).body).toEqual(envelope(400, "Invalid limit parameter: must be a number"));
    expect((await rest("GET", `${VK}?offset=-1`)).body).toEqual(envelope(400, "Invalid offset parameter: must be non-negative"));
    const big = await rest("GET", `${VK}?limit=1000`);
    expect(big.status).toBe(200);
    expect(big.body.limit).toBe(100);
  });

  it("38: team_id and customer_id combine with OR", async () => {
    const res = await rest("GET", `${VK}?team_id=${team}&customer_id=${cust}`);
    expect(res.body.virtual_keys.map((k: any) => k.id).sort()).toEqual([vk, vk2].sort());
    expect(res.body.total_count).toBe(2);
  });

  it("39: search is case-insensitive", async () => {
    const res = await rest("GET", `${VK}?search=${encodeURIComponent(names.a.toUpperCase())}`);
    expect(res.body.virtual_keys.map((k: any) => k.id)).toEqual([vk]);
  });

  it("40–42: get by id, 404, from_memory list is an array", async () => {
    const got = await rest("GET", `${VK}/${vk}`);
    expect(got.body.virtual_key.id).toBe(vk);
    expect(got.body.virtual_key.value).toBe(`${createdValue.slice(0, 10)}…${createdValue.slice(-4)}`);
    expect((await rest("GET", `${VK}/nope`)).body).toEqual(envelope(404, "Virtual key not found"));
    const mem = await rest("GET", `${VK}?from_memory=true`);
    expect(Array.isArray(mem.body.virtual_keys)).toBe(true);
    expect(mem.body.virtual_keys.some((k: any) => k.id === vk)).toBe(true);
  });

  it("43: description and team_id", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { description: "d", team_id: team });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Virtual key updated successfully");
    expect(res.body.virtual_key).toMatchObject({ id: vk, description: "d", team_id: team });
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: vk } })).toMatchObject({ description: "d", teamId: team, customerId: null });
  });

  it("44: rename keeps the owner (CURRENT, Part 1 §4)", async () => {
    const name = unique("vk-a2");
    const res = await rest("PUT", `${VK}/${vk}`, { name });
    expect(res.body.virtual_key).toMatchObject({ name, team_id: team });
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: vk } })).toMatchObject({ name, teamId: team });
  });

  it("45: customer_id switches owner and clears the team", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { customer_id: cust });
    expect(res.body.virtual_key.customer_id).toBe(cust);
    expect(res.body.virtual_key).not.toHaveProperty("team_id");
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: vk } })).toMatchObject({ customerId: cust, teamId: null });
  });

  it("46: both owners → 400, nothing changed", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { team_id: team, customer_id: cust, description: "changed" });
    expect(res.body).toEqual(envelope(400, "VirtualKey cannot be attached to both Team and Customer"));
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: vk } })).toMatchObject({ description: "d", customerId: cust });
  });

  it("47: partial budget edit keeps id, usage and last_reset", async () => {
    const before = await db.budget.findFirstOrThrow({ where: { virtualKeyId: vk } });
    const lastReset = new Date("2026-01-02T03:04:05.678Z");
    await db.budget.update({ where: { id: before.id }, data: { currentUsage: 4.5, lastReset } });
    const res = await rest("PUT", `${VK}/${vk}`, { budget: { max_limit: 20 } });
    expect(res.body.virtual_key.budget).toMatchObject({ id: before.id, max_limit: 20, reset_duration: "1d", current_usage: 4.5, last_reset: lastReset.toISOString() });
    const after = await db.budget.findUniqueOrThrow({ where: { id: before.id } });
    expect([Number(after.maxLimit), Number(after.currentUsage), after.lastReset.toISOString()]).toEqual([20, 4.5, lastReset.toISOString()]);
  });

  it("48: {} removes the budget; a new one needs both fields (400)", async () => {
    const old = await db.budget.findFirstOrThrow({ where: { virtualKeyId: vk } });
    const res = await rest("PUT", `${VK}/${vk}`, { budget: {} });
    expect(res.status).toBe(200);
    expect(res.body.virtual_key).not.toHaveProperty("budget");
    expect(res.body.virtual_key).not.toHaveProperty("budget_id");
    expect(await db.budget.findUnique({ where: { id: old.id } })).toBeNull();
    const again = await rest("PUT", `${VK}/${vk}`, { budget: { max_limit: 5 } });
    expect(again.body).toEqual(envelope(400, "Failed to update virtual key: both max_limit and reset_duration are required when creating a new budget"));
    expect(await db.budget.count({ where: { virtualKeyId: vk } })).toBe(0);
  });

  it("49: rate limit partial merge keeps the duration", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { rate_limit: { request_max_limit: 10 } });
    expect(res.body.virtual_key.rate_limit).toMatchObject({ request_max_limit: 10, request_reset_duration: "1m" });
    const row = await db.rateLimit.findUniqueOrThrow({ where: { virtualKeyId: vk } });
    expect([row.requestMaxLimit, row.requestResetDuration]).toEqual([10n, "1m"]);
  });

  it("50: rate limit {} removes it", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { rate_limit: {} });
    expect(res.body.virtual_key).not.toHaveProperty("rate_limit");
    expect(await db.rateLimit.count({ where: { virtualKeyId: vk } })).toBe(0);
  });

  let anthropicId: number;
  it("51: provider configs reconcile: update listed (absent weight → null), create new", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, {
      provider_configs: [
        { id: pc1, provider: "openai", allowed_models: ["gpt-4o"] },
        { provider: "anthropic", weight: 2, budget: { max_limit: 3, reset_duration: "1d" }, rate_limit: { request_max_limit: 5, request_reset_duration: "1m" } },
      ],
    });
    expect(res.status).toBe(200);
    const pcs = res.body.virtual_key.provider_configs;
    expect(pcs).toHaveLength(2);
    expect(pcs[0]).toMatchObject({ id: pc1, provider: "openai", allowed_models: ["gpt-4o"], weight: null });
    expect(pcs[1]).toMatchObject({ provider: "anthropic", weight: 2, budget: { max_limit: 3 }, rate_limit: { request_max_limit: 5 } });
    anthropicId = pcs[1].id;
  });

  it("52: unlisted configs are deleted with their budgets and rate limits", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { provider_configs: [{ provider: "openai" }] });
    const pcs = res.body.virtual_key.provider_configs;
    expect(pcs).toHaveLength(1);
    expect([pc1, anthropicId]).not.toContain(pcs[0].id);
    expect(await db.providerConfig.count({ where: { id: { in: [pc1, anthropicId] } } })).toBe(0);
    expect(await db.budget.count({ where: { providerConfigId: anthropicId } })).toBe(0);
    expect(await db.rateLimit.count({ where: { providerConfigId: anthropicId } })).toBe(0);
    expect(await db.providerConfig.count({ where: { virtualKeyId: vk } })).toBe(1);
  });

  it("53: a foreign provider config id → 400, nothing changed", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { provider_configs: [{ id: 999999, provider: "openai" }] });
    expect(res.body).toEqual(envelope(400, "Failed to update virtual key: provider config 999999 does not belong to this virtual key"));
    expect(await db.providerConfig.count({ where: { virtualKeyId: vk } })).toBe(1);
  });

  it("54: renaming to a taken name → 400; the other key is untouched", async () => {
    const res = await rest("PUT", `${VK}/${vk}`, { name: names.e, description: "stolen" });
    expect(res.body).toEqual(envelope(400, "Failed to update virtual key: a record with this name already exists. Please use a different value"));
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: vk2 } })).toMatchObject({ name: names.e, isActive: false, customerId: cust, description: "" });
    expect((await db.virtualKey.findUniqueOrThrow({ where: { id: vk } })).description).toBe("d");
  });

  it("55–56: unknown id → 404, bad JSON → 400", async () => {
    expect((await rest("PUT", `${VK}/nope`, {})).body).toEqual(envelope(404, "Virtual key not found"));
    expect((await rest("PUT", `${VK}/${MISSING}`, { name: "x" })).body).toEqual(envelope(404, "Virtual key not found"));
    expect((await rest("PUT", `${VK}/${vk}`, "{bad")).body).toEqual(envelope(400, "Invalid JSON"));
  });
});

describe("DELETE /api/governance/virtual-keys/{id} (scenario 59)", () => {
  it("deletes the key with its configs, budgets and rate limits; a second delete is 404", async () => {
    const key = await createProviderKey("openai");
    const mcp = await createMcpClient();
    const team = (await rest("POST", "/api/governance/teams", { name: unique("team") })).body.team.id;
    const created = await rest("POST", VK, {
      name: unique("vk"),
      team_id: team,
      budget: { max_limit: 10, reset_duration: "1d" },
      rate_limit: { request_max_limit: 3, request_reset_duration: "1m" },
      provider_configs: [{ provider: "openai", key_ids: [key.keyId], budget: { max_limit: 1, reset_duration: "1h" }, rate_limit: { token_max_limit: 9, token_reset_duration: "1h" } }],
      mcp_configs: [{ mcp_client_name: mcp.name }],
    });
    const k = created.body.virtual_key;
    const pcId = k.provider_configs[0].id;
    const budgetIds = [k.budget.id, k.provider_configs[0].budget.id];
    const rateLimitIds = [k.rate_limit.id, k.provider_configs[0].rate_limit.id];

    const res = await rest("DELETE", `${VK}/${k.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Virtual key deleted successfully" });
    expect(normalize(res.body)).toEqual(readGolden("delete-virtual-keys", res.body));

    expect(await db.virtualKey.count({ where: { id: k.id } })).toBe(0);
    expect(await db.providerConfig.count({ where: { id: pcId } })).toBe(0);
    expect(await db.providerConfigKey.count({ where: { providerConfigId: pcId } })).toBe(0);
    expect(await db.mcpConfig.count({ where: { virtualKeyId: k.id } })).toBe(0);
    expect(await db.budget.count({ where: { id: { in: budgetIds } } })).toBe(0);
    expect(await db.rateLimit.count({ where: { id: { in: rateLimitIds } } })).toBe(0);
    expect(await db.providerKey.count({ where: { id: key.id } })).toBe(1);
    expect(await db.mcpClient.count({ where: { id: mcp.id } })).toBe(1);
    expect(await db.team.count({ where: { id: team } })).toBe(1);

    expect((await rest("DELETE", `${VK}/${k.id}`)).body).toEqual(envelope(404, "Virtual key not found"));
    expect((await rest("DELETE", `${VK}/not-a-uuid`)).body).toEqual(envelope(404, "Virtual key not found"));
  });
});

describe("POST /api/governance/virtual-keys/{id}/rotate", () => {
  it("issues a new value once; the old value stops working at once", async () => {
    const created = (await rest("POST", VK, { name: unique("vk"), budget: { max_limit: 10, reset_duration: "1d" } })).body.virtual_key;
    const oldValue: string = created.value;
    const res = await rest("POST", `${VK}/${created.id}/rotate`);
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Virtual key rotated successfully");
    const rotated = res.body.virtual_key;
    expect(rotated.value).toMatch(/^sk-bf-[0-9a-f-]{36}$/);
    expect(rotated.value).not.toBe(oldValue);
    expect(rotated).toMatchObject({ id: created.id, name: created.name, budget: { id: created.budget.id } });
    expect(normalize(res.body)).toEqual(readGolden("post-virtual-keys-rotate", res.body));

    expect(await db.virtualKey.findUnique({ where: { valueHash: hashKey(oldValue) } })).toBeNull();
    expect((await db.virtualKey.findUniqueOrThrow({ where: { valueHash: hashKey(rotated.value) } })).id).toBe(created.id);
    const row = await db.virtualKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(rotated.value.slice(6));

    const read = await rest("GET", `${VK}/${created.id}`);
    expect(read.body.virtual_key.value).toBe(`${rotated.value.slice(0, 10)}…${rotated.value.slice(-4)}`);
  });

  it("unknown key → 404", async () => {
    expect((await rest("POST", `${VK}/${MISSING}/rotate`)).body).toEqual(envelope(404, "Virtual key not found"));
    expect((await rest("POST", `${VK}/nope/rotate`)).body).toEqual(envelope(404, "Virtual key not found"));
  });
});
