/** GET /api/governance/virtual-keys/quota: the key's own usage read (spec §2 CURRENT). */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { check, createKey, record, rest, unique } from "./helpers.js";

const quota = (headers: Record<string, string>) => rest("GET", "/api/governance/virtual-keys/quota", undefined, headers);

describe("quota", () => {
  it("reports budgets shortest cycle first, the rate limit and provider configs, with usage as enforcement sees it", async () => {
    const name = unique("vk");
    const { key, vkId } = await createKey({
      name,
      budgets: [{ max_limit: 100, reset_duration: "1M" }, { max_limit: 5, reset_duration: "1h" }, { max_limit: 20, reset_duration: "1d" }],
      rate_limit: { request_max_limit: 10, request_reset_duration: "1m" },
      provider_configs: [{ provider: "openai", budget: { max_limit: 3, reset_duration: "1d" }, rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" } }],
    });
    const c = await check(key, { provider: "openai", model: "gpt-4o", estimated_cost: 0.5, estimated_tokens: 40 });
    await record(key, { provider: "openai", model: "gpt-4o", request_id: c.body.request_id, cost: 1.25, tokens: 100 });
    // The 1h window has expired: it reads as 0 (it resets at its next touch).
    await db.budget.updateMany({ where: { virtualKeyId: vkId, resetDuration: "1h" }, data: { lastReset: new Date(Date.now() - 3_600_001) } });
    await db.budget.updateMany({ where: { virtualKeyId: vkId, resetDuration: "1d" }, data: { overrideAmount: 10, overrideMode: "forever" } });

    const r = await quota({ "x-bf-vk": key });
    expect(r.status).toBe(200);
    expect(r.body.virtual_key_name).toBe(name);
    expect(r.body.is_active).toBe(true);
    expect(r.body.budgets.map((b: Record<string, unknown>) => [b.reset_duration, b.max_limit, b.current_usage, b.remaining, b.override_amount])).toEqual([
      ["1h", 5, 0, 5, undefined],
      ["1d", 20, 1.25, 28.75, 10],
      ["1M", 100, 1.25, 98.75, undefined],
    ]);
    const day = r.body.budgets[1];
    expect(new Date(day.next_reset_at).getTime() - new Date(day.last_reset).getTime()).toBe(86_400_000);
    expect(r.body.rate_limit).toMatchObject({ request_max_limit: 10, request_reset_duration: "1m", request_current_usage: 1, request_remaining: 9, token_current_usage: 100 });
    expect(r.body.rate_limit.token_max_limit).toBeUndefined();
    // Upstream's seven keys, none null.
    expect(Object.keys(r.body).sort()).toEqual(["budgets", "is_active", "model_configs", "provider_configs", "rate_limit", "rate_limits", "virtual_key_name"]);
    for (const v of Object.values(r.body)) expect(v).not.toBeNull();
    expect(r.body.rate_limits).toEqual([r.body.rate_limit]);
    expect(r.body.provider_configs).toHaveLength(1);
    expect(r.body.provider_configs[0]).toMatchObject({
      provider: "openai",
      weight: 1,
      allowed_models: ["*"],
      blacklisted_models: [],
      budgets: [{ max_limit: 3, current_usage: 1.25, remaining: 1.75, reset_duration: "1d" }],
      rate_limit: { token_max_limit: 1000, token_current_usage: 100, token_remaining: 900 },
    });
    // An expired window's next reset is one window after the reset its next touch performs (now).
    const hour = new Date(r.body.budgets[0].next_reset_at).getTime() - Date.now();
    expect(hour).toBeGreaterThan(3_590_000);
    expect(hour).toBeLessThanOrEqual(3_600_000);
    // Same answer through Authorization: Bearer (the expired window's next reset moves with the clock).
    const bearer = await quota({ authorization: `Bearer ${key}` });
    const stable = (b: { budgets: Record<string, unknown>[] }) => ({ ...b, budgets: b.budgets.map(({ next_reset_at, ...rest }, i) => (i === 0 ? rest : { next_reset_at, ...rest })) });
    expect(stable(bearer.body)).toEqual(stable(r.body));
  });

  it("is routed ahead of /virtual-keys/{id}; a missing or unknown key is 401 with the plain envelope (as upstream)", async () => {
    const anonymous: Record<string, string>[] = [{}, { "x-bf-vk": "sk-bf-00000000-0000-0000-0000-000000000000" }, { authorization: "Bearer not-a-key" }];
    for (const headers of anonymous) {
      const r = await quota(headers);
      expect(r.status).toBe(401);
      expect(Object.keys(r.body).sort()).toEqual(["error", "extra_fields", "is_bifrost_error", "status_code"]);
      expect(r.body).toMatchObject({ is_bifrost_error: false, status_code: 401, extra_fields: {} });
      expect(r.body.error.message).toMatch(/^Missing virtual key/);
    }
    // Every header a gateway accepts carries the key here too.
    const { key } = await createKey({ provider_configs: [{ provider: "openai", weight: 2, allowed_models: ["regex:gpt-.*"], blacklisted_models: ["gpt-4"] }] });
    for (const name of ["x-bf-vk", "authorization", "x-api-key", "x-goog-api-key", "api-key"]) {
      const headers = { [name]: name === "authorization" ? `Bearer ${key}` : key };
      const r = await quota(headers);
      expect(r.status).toBe(200);
      expect(r.body.rate_limit).toEqual({});
      expect(r.body.rate_limits).toEqual([]);
      expect(r.body.provider_configs[0]).toMatchObject({ weight: 2, allowed_models: ["regex:gpt-.*"], blacklisted_models: ["gpt-4"], budgets: [], rate_limit: {} });
    }
    // model_configs: the global ones and those of the key's providers, with their budgets and rate limit.
    const model = unique("model");
    for (const provider of [undefined, "openai", "anthropic"]) {
      const mc = await rest("POST", "/api/governance/model-configs", { model_name: model, provider, budget: { max_limit: 9, reset_duration: "1d" } });
      expect(mc.status).toBe(200);
    }
    const mine = (await quota({ "x-bf-vk": key })).body.model_configs.filter((m: { model_name: string }) => m.model_name === model);
    expect(mine.map((m: Record<string, unknown>) => m.provider)).toEqual(expect.arrayContaining([undefined, "openai"]));
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ budgets: [{ max_limit: 9, current_usage: 0 }], rate_limit: {} });
    // The id route still works next to it.
    const list = await rest("GET", "/api/governance/virtual-keys?limit=1");
    const id = list.body.virtual_keys[0].id;
    expect((await rest("GET", `/api/governance/virtual-keys/${id}`)).body.virtual_key.id).toBe(id);
  });
});
