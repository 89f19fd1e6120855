/**
 * POST /api/governance/check: spec §3.1 (headers), §3.2 (order, decisions, texts), §3.3 (comparisons),
 * scenarios 61-69, Part 1 §5 allow-lists, provider- and model-level governance, headroom and reservations.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createApp } from "../../src/server.js";
import { check, counters, createChain, createKey, denial, record, rest, unique } from "./helpers.js";

const openai = (model = "gpt-4o-mini") => ({ provider: "openai", model });

describe("check: scenarios 61-69", () => {
  it("61: an unknown key is 403 virtual_key_not_found", async () => {
    const r = await check("sk-bf-00000000-0000-0000-0000-000000000000", { model: "openai/gpt-4o-mini" });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(denial("virtual_key_not_found", 403, "Virtual key not found"));
  });

  it("62: an inactive key is 403 virtual_key_blocked", async () => {
    const { key } = await createKey({ is_active: false });
    const r = await check(key, { model: "openai/gpt-4o-mini" });
    expect(r.body).toEqual(denial("virtual_key_blocked", 403, "Virtual key is inactive"));
  });

  it("63: a provider without a provider config is 403 provider_blocked", async () => {
    const { key } = await createKey();
    const r = await check(key, { model: "anthropic/claude-3-haiku" });
    expect(r.body).toEqual(denial("provider_blocked", 403, "Provider 'anthropic' is not allowed for this virtual key"));
  });

  it("64: a model outside allowed_models is 403 model_blocked", async () => {
    const { key } = await createKey({ provider_configs: [{ provider: "openai", allowed_models: ["gpt-4o-mini"] }] });
    expect((await check(key, { model: "openai/gpt-4o" })).body).toEqual(denial("model_blocked", 403, "Model 'gpt-4o' is not allowed for this virtual key"));
    expect((await check(key, { model: "openai/gpt-4o-mini" })).status).toBe(200);
  });

  it("65: the third request in the window is 429 request_limited; an expired window is fresh again", async () => {
    const { key, vkId } = await createKey({ rate_limit: { request_max_limit: 2, request_reset_duration: "1m" } });
    expect((await check(key, openai())).status).toBe(200);
    expect((await check(key, openai())).status).toBe(200);
    const third = await check(key, openai());
    expect(third.status).toBe(429);
    expect(third.body).toEqual(denial("request_limited", 429, "Rate limit check failed: rate limit violated for VK: request limit exceeded (2/2, resets every 1m)"));
    expect((await counters({ virtualKeyId: vkId })).requests).toBe(2); // a denied check reserves nothing
    await db.rateLimit.update({ where: { virtualKeyId: vkId }, data: { requestLastReset: new Date(Date.now() - 61_000) } });
    const after = await check(key, openai());
    expect(after.status).toBe(200);
    const rl = await db.rateLimit.findUniqueOrThrow({ where: { virtualKeyId: vkId } });
    expect(Number(rl.requestCurrentUsage)).toBe(1); // reset to 0, then this request
    expect(Date.now() - rl.requestLastReset.getTime()).toBeLessThan(10_000);
  });

  it("66: after a priced call over a tiny budget the next check is 402 budget_exceeded", async () => {
    const { key } = await createKey({ budget: { max_limit: 0.000001, reset_duration: "1d" } });
    const first = await check(key, { ...openai(), request_id: unique("req") });
    expect(first.status).toBe(200);
    expect((await record(key, { ...openai(), request_id: first.body.request_id, cost: 0.00002, tokens: 12 })).status).toBe(200);
    const r = await check(key, openai());
    expect(r.status).toBe(402);
    expect(r.body).toEqual(denial("budget_exceeded", 402, "Budget exceeded: VK budget exceeded: 0.0000 >= 0.0000 dollars"));
    expect(r.body.error.message).toMatch(/VK budget exceeded: .* >= 0.0000 dollars/);
  });

  it("67: Bearer, x-api-key, x-goog-api-key and api-key carry the key like x-bf-vk; a non-sk-bf- Bearer is no key", async () => {
    const { key } = await createKey({ is_active: false });
    const blocked = denial("virtual_key_blocked", 403, "Virtual key is inactive");
    const carriers: Record<string, string>[] = [{ "x-bf-vk": key }, { authorization: `Bearer ${key}` }, { "x-api-key": key }, { "x-goog-api-key": key }, { "api-key": key }];
    for (const headers of carriers) {
      expect((await check(undefined, openai(), headers)).body).toEqual(blocked);
    }
    // Not a key: without VK_MANDATORY only provider- and model-level governance applies.
    const none = await check(undefined, openai(), { authorization: "Bearer not-a-vk", "x-api-key": "plain-provider-key" });
    expect(none.status).toBe(200);
    expect(none.body.virtual_key).toBeUndefined();
    // x-bf-vk takes any value (no prefix rule); the prefix check elsewhere is case-insensitive.
    expect((await check(undefined, openai(), { "x-bf-vk": "not-a-vk" })).body).toEqual(denial("virtual_key_not_found", 403, "Virtual key not found"));
    expect((await check(undefined, openai(), { "x-api-key": key.toUpperCase() })).body).toEqual(denial("virtual_key_not_found", 403, "Virtual key not found"));
    // x-bf-vk wins over Authorization.
    const { key: active } = await createKey();
    expect((await check(undefined, openai(), { "x-bf-vk": active, authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it("68: with VK_MANDATORY a request without a key is 401 virtual_key_required", async () => {
    const strict = createApp(loadConfig({ ...process.env, DATABASE_URL: "", LOG_LEVEL: "silent", VK_MANDATORY: "true" }), createLogger("silent"));
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await strict.fetch(new Request(`http://test${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
      return { status: res.status, body: await res.json() };
    };
    const r = await post("/api/governance/check", openai(), { authorization: "Bearer not-a-vk" });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(denial("virtual_key_required", 401, "virtual key is missing in headers and is mandatory."));
    const u = await post("/api/governance/usage", { ...openai(), request_id: unique("req"), cost: 1 });
    expect(u.body).toEqual(denial("virtual_key_required", 401, "virtual key is missing in headers and is mandatory."));
    expect((await check(undefined, openai(), { authorization: "Bearer not-a-vk" })).status).not.toBe(401);
  });

  it("69: a team budget exceeded while the key's is fine is 402; after detaching the team the key passes", async () => {
    const c = await createChain({ team: { budget: { max_limit: 1, reset_duration: "1d" } }, vk: { budget: { max_limit: 100, reset_duration: "1d" } } });
    const first = await check(c.key, openai());
    await record(c.key, { ...openai(), request_id: first.body.request_id, cost: 1.5 });
    const r = await check(c.key, openai());
    expect(r.body).toEqual(denial("budget_exceeded", 402, "Budget exceeded: Team budget exceeded: 1.5000 >= 1.0000 dollars"));
    const put = await rest("PUT", `/api/governance/virtual-keys/${c.vkId}`, { team_id: null });
    expect(put.status).toBe(200);
    const after = await check(c.key, openai());
    expect(after.status).toBe(200);
    expect(after.body.budgets.map((b: { level: string }) => b.level)).toEqual(["virtual_key"]);
  });
});

describe("check: allow-lists (Part 1 §5)", () => {
  it("[] allows no model, ['*'] every model; no provider configs means no provider unless allow_all_providers", async () => {
    const none = await createKey({ provider_configs: [{ provider: "openai", allowed_models: [] }] });
    expect((await check(none.key, openai())).body.type).toBe("model_blocked");
    const bare = await createKey({ provider_configs: [] });
    expect((await check(bare.key, openai())).body).toEqual(denial("provider_blocked", 403, "Provider 'openai' is not allowed for this virtual key"));
    expect((await check(bare.key, { model: "gpt-4o" })).body).toEqual(denial("provider_blocked", 403, "Provider '' is not allowed for this virtual key"));
    const all = await createKey({ provider_configs: [], allow_all_providers: true });
    const r = await check(all.key, { provider: "mistral", model: "mistral-large" });
    expect(r.status).toBe(200);
    expect(r.body.provider_config).toBeNull();
    expect((await check(all.key, { model: "mistral-large" })).body.error.message).toBe("provider is required (or a model of the form provider/model)");
  });

  it("a provider/model allowed_models entry matches; the listed provider keys are returned", async () => {
    const provider = unique("prov").toLowerCase();
    await db.provider.create({ data: { name: provider } });
    const k1 = await db.providerKey.create({ data: { provider, name: "k1", value: "env.K1", models: [] } });
    await db.providerKey.create({ data: { provider, name: "k2", value: "env.K2", models: [] } });
    const listed = await createKey({ provider_configs: [{ provider, allowed_models: [`${provider}/m1`], key_ids: [k1.keyId] }] });
    const r = await check(listed.key, { provider, model: "m1" });
    expect(r.status).toBe(200);
    expect(r.body.allowed_keys).toEqual([{ key_id: k1.keyId, name: "k1" }]);
    const open = await createKey({ provider_configs: [{ provider, allowed_models: ["*"] }] });
    expect((await check(open.key, { provider, model: "m2" })).body.allowed_keys.map((k: { name: string }) => k.name)).toEqual(["k1", "k2"]);
  });

  it("without a provider, picks a provider config that allows the model (§3.7)", async () => {
    const { key } = await createKey({
      provider_configs: [
        { provider: "openai", allowed_models: ["gpt-4o"], weight: 1 },
        { provider: "azure", allowed_models: ["gpt-4o", "o1"], weight: 1 },
      ],
    });
    const o1 = await check(key, { model: "o1" });
    expect(o1.body).toMatchObject({ type: "allow", provider: "azure", model: "o1" });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await check(key, { model: "gpt-4o" })).body.provider);
    expect([...seen].sort()).toEqual(["azure", "openai"]);
    expect((await check(key, { model: "claude" })).body).toEqual(denial("model_blocked", 403, "Model 'claude' is not allowed for this virtual key"));
  });

  it("without a provider, skips a provider config over its own budget", async () => {
    const { key, vkId } = await createKey({
      provider_configs: [
        { provider: "openai", weight: 1000, budget: { max_limit: 1, reset_duration: "1d" } },
        { provider: "azure", weight: 0.001 },
      ],
    });
    const pc = await db.providerConfig.findFirstOrThrow({ where: { virtualKeyId: vkId, provider: "openai" } });
    await db.budget.updateMany({ where: { providerConfigId: pc.id }, data: { currentUsage: 5 } });
    for (let i = 0; i < 5; i++) expect((await check(key, { model: "gpt-4o" })).body.provider).toBe("azure");
    expect((await check(key, { provider: "openai", model: "gpt-4o" })).body).toEqual(denial("budget_exceeded", 402, "Budget exceeded: openai budget exceeded: 5.0000 >= 1.0000 dollars"));
  });
});

describe("check: order and texts (§3.2)", () => {
  it("provider rate limit, provider budget, model rate limits, model budgets come first, even before the key", async () => {
    const provider = unique("p").toLowerCase();
    const model = unique("m");
    await db.provider.create({ data: { name: provider } });
    const { key } = await createKey({ is_active: false, provider_configs: [{ provider }] });
    const blocked = denial("virtual_key_blocked", 403, "Virtual key is inactive");
    expect((await check(key, { provider, model })).body).toEqual(blocked);

    const mcGlobal = await db.modelConfig.create({ data: { modelName: model, provider: null } });
    await db.budget.create({ data: { modelConfigId: mcGlobal.id, maxLimit: 1, resetDuration: "1h", currentUsage: 2 } });
    expect((await check(key, { provider, model })).body).toEqual(denial("budget_exceeded", 402, `Model-level budget exceeded: Model:${model} budget exceeded: 2.0000 >= 1.0000 dollars`));
    const mcSpecific = await db.modelConfig.create({ data: { modelName: model, provider } });
    await db.budget.create({ data: { modelConfigId: mcSpecific.id, maxLimit: 3, resetDuration: "1h", currentUsage: 3 } });
    expect((await check(key, { provider, model })).body.error.message).toBe(`Model-level budget exceeded: Model:${model}:Provider:${provider} budget exceeded: 3.0000 >= 3.0000 dollars`);
    await db.rateLimit.create({ data: { modelConfigId: mcGlobal.id, tokenMaxLimit: 10, tokenResetDuration: "1h", tokenCurrentUsage: 10 } });
    expect((await check(key, { provider, model })).body).toEqual(
      denial("token_limited", 429, `Model-level rate limit check failed: rate limit violated for Model:${model}: token limit exceeded (10/10, resets every 1h)`),
    );
    await db.budget.create({ data: { providerName: provider, maxLimit: 5, resetDuration: "1d", currentUsage: 7.25 } });
    expect((await check(key, { provider, model })).body).toEqual(denial("budget_exceeded", 402, `Provider-level budget exceeded: ${provider} budget exceeded: 7.2500 >= 5.0000 dollars`));
    await db.rateLimit.create({ data: { providerName: provider, tokenMaxLimit: 5, tokenResetDuration: "1m", tokenCurrentUsage: 6, requestMaxLimit: 1, requestResetDuration: "1m", requestCurrentUsage: 1 } });
    expect((await check(key, { provider, model })).body).toEqual(
      denial("rate_limited", 429, `Provider-level rate limit check failed: rate limit violated for ${provider}: token limit exceeded (6/5, resets every 1m); request limit exceeded (1/1, resets every 1m)`),
    );
    // Without a key only these levels apply.
    expect((await check(undefined, { provider, model })).body.type).toBe("rate_limited");
    expect((await check(undefined, { provider: "openai", model })).body.type).toBe("token_limited"); // the model-only config applies to every provider
  });

  it("on the key path every rate limit precedes every budget: provider config, VK, team, customer", async () => {
    const c = await createChain({
      customer: { budget: { max_limit: 1, reset_duration: "1d" }, rate_limit: { request_max_limit: 1, request_reset_duration: "1h" } },
      team: { budget: { max_limit: 1, reset_duration: "1d" } },
      vk: { provider_configs: [{ provider: "openai", budget: { max_limit: 1, reset_duration: "1d" } }] },
    });
    const first = await check(c.key, openai());
    expect(first.status).toBe(200);
    await record(c.key, { ...openai(), request_id: first.body.request_id, cost: 2 });
    expect((await check(c.key, openai())).body).toEqual(
      denial("request_limited", 429, "Rate limit check failed: rate limit violated for Customer: request limit exceeded (1/1, resets every 1h)"),
    );
    await db.rateLimit.updateMany({ where: { customerId: c.customerId }, data: { requestCurrentUsage: 0 } });
    expect((await check(c.key, openai())).body.error.message).toBe("Budget exceeded: openai budget exceeded: 2.0000 >= 1.0000 dollars");
  });

  it("a budget override raises the effective limit (max_limit + override_amount)", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 1, reset_duration: "1d" } });
    await db.budget.updateMany({ where: { virtualKeyId: vkId }, data: { currentUsage: 1.5 } });
    expect((await check(key, openai())).body.error.message).toBe("Budget exceeded: VK budget exceeded: 1.5000 >= 1.0000 dollars");
    await db.budget.updateMany({ where: { virtualKeyId: vkId }, data: { overrideAmount: 1, overrideMode: "forever" } });
    const r = await check(key, openai());
    expect(r.status).toBe(200);
    expect(r.body.budgets[0]).toMatchObject({ max_limit: 2, current_usage: 1.5, remaining: 0.5 });
  });
});

describe("check: reservation and headroom", () => {
  it("reserves one request, the estimated tokens and cost at every level and reports what is left", async () => {
    const c = await createChain({
      customer: { budget: { max_limit: 10, reset_duration: "1M" } },
      team: { budget: { max_limit: 5, reset_duration: "1w" }, rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" } },
      vk: { budget: { max_limit: 1, reset_duration: "1d" }, rate_limit: { request_max_limit: 3, request_reset_duration: "1m" } },
    });
    const r = await check(c.key, { ...openai(), estimated_cost: 0.25, estimated_tokens: 100, request_id: unique("req") });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      type: "allow",
      virtual_key: { id: c.vkId },
      provider: "openai",
      model: "gpt-4o-mini",
      provider_config: { provider: "openai", allowed_models: ["*"], allow_all_keys: true },
      reservation: { cost: 0.25, tokens: 100, requests: 1 },
    });
    expect(r.body.budgets.map((b: Record<string, unknown>) => [b.level, b.name, b.max_limit, b.current_usage, b.remaining, b.reset_duration])).toEqual([
      ["virtual_key", "VK", 1, 0.25, 0.75, "1d"],
      ["team", "Team", 5, 0.25, 4.75, "1w"],
      ["customer", "Customer", 10, 0.25, 9.75, "1M"],
    ]);
    expect(r.body.rate_limits.map((x: Record<string, unknown>) => [x.level, x.request_current_usage, x.request_remaining, x.token_current_usage, x.token_remaining])).toEqual([
      ["virtual_key", 1, 2, 100, null],
      ["team", 1, null, 100, 900],
    ]);
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 0.25 }, tokens: 100, requests: 1 });
    expect(await counters({ teamId: c.teamId })).toEqual({ budgets: { "1w": 0.25 }, tokens: 100, requests: 1 });
    expect(await counters({ customerId: c.customerId })).toEqual({ budgets: { "1M": 0.25 }, tokens: undefined, requests: undefined });
    const reservation = await db.reservation.findUniqueOrThrow({ where: { requestId: r.body.request_id } });
    expect(Number(reservation.cost)).toBe(0.25);
    expect(reservation.budgetIds).toHaveLength(3);
    expect(reservation.rateLimitIds).toHaveLength(2);
  });

  it("a retried request_id reserves once; after its record it is a 409 conflict", async () => {
    const { key, vkId } = await createKey({ rate_limit: { request_max_limit: 1, request_reset_duration: "1h" } });
    const id = unique("req");
    expect((await check(key, { ...openai(), request_id: id })).body.reservation).toMatchObject({ requests: 1 });
    const again = await check(key, { ...openai(), request_id: id });
    expect(again.status).toBe(200);
    expect(again.body.reservation).toBeNull();
    expect((await counters({ virtualKeyId: vkId })).requests).toBe(1);
    expect((await check(key, openai())).body.type).toBe("request_limited");
    await record(key, { ...openai(), request_id: id });
    expect((await check(key, { ...openai(), request_id: id })).body.type).toBe("request_id_conflict");
  });

  it("rejects bad bodies with 400", async () => {
    const { key } = await createKey();
    expect((await check(key, { provider: "openai" })).body.error.message).toBe("model is required");
    expect((await check(key, { ...openai(), estimated_cost: -1 })).status).toBe(400);
    expect((await check(key, { ...openai(), bogus: 1 })).body.error.message).toBe("Unknown field: bogus");
    expect((await check(undefined, { model: "gpt-4o" })).body.error.message).toBe("provider is required (or a model of the form provider/model)");
  });
});
