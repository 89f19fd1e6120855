/**
 * /api/governance/model-configs (spec §2.9): create with limits, the (model, provider) uniqueness with
 * 409s (global configs included, also under concurrency), list envelope, update rules, delete.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { envelope, stable } from "../helpers/config-api.js";
import { readGolden } from "../helpers/shape.js";

const BASE = "/api/governance/model-configs";

async function create(body: Record<string, unknown>) {
  const res = await rest("POST", BASE, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.model_config;
}

describe("model configs: create", () => {
  it("creates a global config with a budget and a rate limit", async () => {
    const model = unique("gpt");
    const res = await rest("POST", BASE, {
      model_name: model,
      budget: { max_limit: 25, reset_duration: "1M" },
      rate_limit: { token_max_limit: 100000, token_reset_duration: "1h" },
    });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Model config created successfully");
    const mc = res.body.model_config;
    expect(mc).toMatchObject({ model_name: model, budget: { max_limit: 25, reset_duration: "1M", current_usage: 0 }, rate_limit: { token_max_limit: 100000 } });
    expect(mc).not.toHaveProperty("provider");
    expect(mc.budget_id).toBe(mc.budget.id);
    expect(mc.rate_limit_id).toBe(mc.rate_limit.id);
    const row = await db.modelConfig.findUniqueOrThrow({ where: { id: mc.id }, include: { budgets: true, rateLimit: true } });
    expect(row).toMatchObject({ modelName: model, provider: null });
    expect(row.budgets.map((b) => [Number(b.maxLimit), b.resetDuration])).toEqual([[25, "1M"]]);
    expect(row.rateLimit?.tokenMaxLimit).toBe(100000n);
    const s = stable(res.body, { [model]: "<model>" });
    expect(s).toEqual(readGolden("post-model-configs", s));
  });

  it("a global and a provider-scoped config of one model coexist; duplicates of either → 409", async () => {
    const model = unique("claude");
    await create({ model_name: model });
    const scoped = await create({ model_name: model, provider: "anthropic", budgets: [{ max_limit: 1, reset_duration: "1d" }, { max_limit: 20, reset_duration: "1M" }] });
    expect(scoped).toMatchObject({ provider: "anthropic", budget: { reset_duration: "1d" } });
    expect(scoped.budgets.map((b: any) => b.reset_duration).sort()).toEqual(["1M", "1d"]);

    const dupGlobal = await rest("POST", BASE, { model_name: model, provider: "" });
    expect(dupGlobal.status).toBe(409);
    expect(dupGlobal.body).toEqual(envelope(409, `Model config for model '${model}' (global) already exists`));
    const dupScoped = await rest("POST", BASE, { model_name: model, provider: "anthropic", budget: { max_limit: 3, reset_duration: "1d" } });
    expect(dupScoped.body).toEqual(envelope(409, `Model config for model '${model}' with provider 'anthropic' already exists`));
    expect(await db.modelConfig.count({ where: { modelName: model } })).toBe(2);
    expect(await db.budget.count({ where: { modelConfig: { modelName: model } } })).toBe(2);
  });

  it.each([null, "openai"])("two concurrent creates of the same config (provider %s): exactly one 200, one 409", async (provider) => {
    const model = unique("race");
    const body = { model_name: model, provider, budget: { max_limit: 5, reset_duration: "1d" } };
    const results = await Promise.all([rest("POST", BASE, body), rest("POST", BASE, body)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const conflict = results.find((r) => r.status === 409)!;
    const message = provider === null ? `Model config for model '${model}' (global) already exists` : `Model config for model '${model}' with provider '${provider}' already exists`;
    expect(conflict.body).toEqual(envelope(409, message));
    expect(await db.modelConfig.count({ where: { modelName: model } })).toBe(1);
    expect(await db.budget.count({ where: { modelConfig: { modelName: model } } })).toBe(1);
  });

  it.each([
    ["no model name", {}, "Model name is required"],
    ["a blank model name", { model_name: "  " }, "Model name is required"],
    ["a bad provider", { model_name: "m", provider: "not a provider" }, "invalid provider name: not a provider"],
    ["a negative budget", { model_name: "m", budget: { max_limit: -1, reset_duration: "1d" } }, "Budget max_limit cannot be negative: -1.00"],
    ["a bad duration", { model_name: "m", budget: { max_limit: 1, reset_duration: "soon" } }, "Invalid reset duration format: soon"],
    ["a zero budget", { model_name: "m", budget: { max_limit: 0, reset_duration: "1d" } }, "budget max limit cannot be negative or zero: 0.00"],
    ["duplicate windows", { model_name: "m", budgets: [{ max_limit: 1, reset_duration: "1d" }, { max_limit: 2, reset_duration: "1d" }] }, "Duplicate reset_duration in budgets: 1d"],
    ["a rate limit without duration", { model_name: "m", rate_limit: { request_max_limit: 5 } }, "rate limit request reset duration is required"],
    ["an unknown field", { model_name: "m", budget_id: "x" }, "Unknown field: budget_id"],
    ["invalid JSON", "{", "Invalid JSON"],
  ])("%s → 400, nothing stored", async (_label, body, message) => {
    const before = await db.modelConfig.count({ where: { modelName: "m" } });
    const res = await rest("POST", BASE, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
    expect(await db.modelConfig.count({ where: { modelName: "m" } })).toBe(before);
  });
});

describe("model configs: read", () => {
  it("lists with the envelope; search pages; GET by id; unknown ids → 404", async () => {
    const prefix = unique("list");
    const a = await create({ model_name: `${prefix}-a` });
    const b = await create({ model_name: `${prefix}-b`, provider: "openai" });
    const all = await rest("GET", BASE);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ count: all.body.model_configs.length, total_count: all.body.model_configs.length, offset: 0 });
    expect(all.body.model_configs.map((m: any) => m.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const page = await rest("GET", `${BASE}?search=${prefix.toUpperCase()}&limit=1`);
    expect(page.body).toEqual({ model_configs: [a], count: 1, total_count: 2, limit: 1, offset: 0 });
    expect((await rest("GET", `${BASE}?offset=-2`)).body).toEqual(envelope(400, "Invalid offset parameter: must be non-negative"));
    expect((await rest("GET", `${BASE}/${b.id}`)).body).toEqual({ model_config: b });
    for (const id of ["nope", "00000000-0000-4000-8000-000000000000"]) {
      expect((await rest("GET", `${BASE}/${id}`)).body).toEqual(envelope(404, "Model config not found"));
    }
  });
});

describe("model configs: update and delete", () => {
  it("edits a budget in place (usage kept), replaces the rate limit as a whole, moves to another provider", async () => {
    const model = unique("upd");
    const mc = await create({ model_name: model, budget: { max_limit: 10, reset_duration: "1d" }, rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" } });
    await db.budget.update({ where: { id: mc.budget.id }, data: { currentUsage: 4 } });

    const res = await rest("PUT", `${BASE}/${mc.id}`, {
      provider: "openai",
      budget: { max_limit: 30 },
      rate_limit: { request_max_limit: 5, request_reset_duration: "1m" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message).toBe("Model config updated successfully");
    const updated = res.body.model_config;
    expect(updated).toMatchObject({ provider: "openai", budget: { id: mc.budget.id, max_limit: 30, reset_duration: "1d", current_usage: 4 } });
    expect(updated.rate_limit).toMatchObject({ id: mc.rate_limit.id, request_max_limit: 5, request_reset_duration: "1m" });
    expect(updated.rate_limit).not.toHaveProperty("token_max_limit");
    const row = await db.rateLimit.findUniqueOrThrow({ where: { id: mc.rate_limit.id } });
    expect(row).toMatchObject({ tokenMaxLimit: null, tokenResetDuration: null, requestMaxLimit: 5n });
    const s = stable(res.body, { [model]: "<model>" });
    expect(s).toEqual(readGolden("put-model-configs", s));

    const cleared = await rest("PUT", `${BASE}/${mc.id}`, { provider: null, budget: {}, rate_limit: { token_reset_duration: "1h" } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.model_config).not.toHaveProperty("provider");
    expect(cleared.body.model_config).not.toHaveProperty("budget");
    expect(cleared.body.model_config).not.toHaveProperty("rate_limit");
    expect(await db.budget.count({ where: { modelConfigId: mc.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { modelConfigId: mc.id } })).toBe(0);
  });

  it("client mistakes on update → 400 with Bifrost's prefix; moving onto an existing pair → 409; nothing changes", async () => {
    const model = unique("bad");
    const mc = await create({ model_name: model });
    await create({ model_name: model, provider: "openai" });
    const path = `${BASE}/${mc.id}`;
    expect((await rest("PUT", path, { budget: { max_limit: 5 } })).body).toEqual(
      envelope(400, "Failed to update model config: both max_limit and reset_duration are required when creating a new budget"),
    );
    expect((await rest("PUT", path, { rate_limit: { token_max_limit: 0, token_reset_duration: "1h" } })).body).toEqual(
      envelope(400, "Failed to update model config: rate limit token max limit cannot be negative or zero: 0"),
    );
    expect((await rest("PUT", path, { model_name: "" })).body).toEqual(envelope(400, "Model name is required"));
    const clash = await rest("PUT", path, { provider: "openai" });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe(`Failed to update model config: Model config for model '${model}' with provider 'openai' already exists`);
    expect(await db.modelConfig.findUniqueOrThrow({ where: { id: mc.id } })).toMatchObject({ provider: null });
    expect(await db.budget.count({ where: { modelConfigId: mc.id } })).toBe(0);
    expect((await rest("PUT", `${BASE}/00000000-0000-4000-8000-000000000000`, {})).body).toEqual(envelope(404, "Model config not found"));
  });

  it("DELETE removes the config with its budgets and rate limit; then 404", async () => {
    const mc = await create({ model_name: unique("del"), budget: { max_limit: 1, reset_duration: "1d" }, rate_limit: { request_max_limit: 1, request_reset_duration: "1m" } });
    const res = await rest("DELETE", `${BASE}/${mc.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Model config deleted successfully" });
    expect(await db.modelConfig.count({ where: { id: mc.id } })).toBe(0);
    expect(await db.budget.count({ where: { id: mc.budget.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { id: mc.rate_limit.id } })).toBe(0);
    expect((await rest("DELETE", `${BASE}/${mc.id}`)).body).toEqual(envelope(404, "Model config not found"));
  });
});
