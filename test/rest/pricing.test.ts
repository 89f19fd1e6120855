/** Issue 11, prices: the catalog (default table + edits), pricing overrides as upstream, priced usage and estimates. */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { defaultPrice } from "../../src/services/pricing.js";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const PO = "/api/governance/pricing-overrides";
const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const newKey = async (body: Record<string, unknown> = {}) => {
  const r = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), budget: { max_limit: 100, reset_duration: "1d" }, provider_configs: [{ provider: "openai" }], ...body });
  return { id: r.body.virtual_key.id as string, key: r.body.virtual_key.value as string, budget: r.body.virtual_key.budget.id as string };
};
const usage = (key: string, body: Record<string, unknown>) => rest("POST", "/api/governance/usage", { request_id: unique("req"), provider: "openai", ...body }, { "x-bf-vk": key });

describe("pricing overrides (REST, as upstream)", () => {
  it("create 201, list envelope, PATCH merges, PUT replaces, DELETE says deleted, unknown id 404", async () => {
    const created = await rest("POST", PO, { name: " cheap ", scope_kind: "provider", provider_id: "openai", match_type: "wildcard", pattern: `${unique("m")}*`, request_types: ["chat_completion"], patch: { input_cost_per_token: 0.000001 } });
    expect(created.status).toBe(201);
    expect(created.body.message).toBe("Pricing override created successfully");
    const o = created.body.pricing_override;
    expect(o).toMatchObject({ name: "cheap", scope_kind: "provider", provider_id: "openai", match_type: "wildcard", request_types: ["chat_completion"], patch: { input_cost_per_token: 0.000001 } });
    expect(typeof o.id).toBe("string");

    const list = await rest("GET", `${PO}?scope_kind=provider&provider_id=openai&limit=100`);
    expect(Object.keys(list.body).sort()).toEqual(["count", "limit", "offset", "pricing_overrides", "total_count"]);
    expect(list.body.pricing_overrides.map((x: { id: string }) => x.id)).toContain(o.id);

    const patched = await rest("PATCH", `${PO}/${o.id}`, { patch: { output_cost_per_token: 0.000002 } });
    expect(patched.status).toBe(200);
    expect(patched.body.pricing_override).toMatchObject({ name: "cheap", pattern: o.pattern, patch: { output_cost_per_token: 0.000002 } });
    expect(patched.body.pricing_override.patch).not.toHaveProperty("input_cost_per_token");

    const replaced = await rest("PUT", `${PO}/${o.id}`, { name: "all", scope_kind: "global", match_type: "exact", pattern: "some-model" });
    expect(replaced.body.pricing_override).toMatchObject({ name: "all", scope_kind: "global", match_type: "exact", pattern: "some-model", patch: {} });
    expect(replaced.body.pricing_override).not.toHaveProperty("provider_id");
    expect(replaced.body.pricing_override).not.toHaveProperty("request_types");

    const del = await rest("DELETE", `${PO}/${o.id}`);
    expect(del.body.message).toMatch(/deleted/);
    expect((await rest("DELETE", `${PO}/${o.id}`)).body).toEqual(envelope(404, "Pricing override not found"));
    expect((await rest("PATCH", `${PO}/nope`, { name: "x" })).status).toBe(404);
    expect((await rest("PATCH", `${PO}/${o.id}`, "{}", { "content-type": "text/plain" })).status).toBe(415);
  });

  it.each([
    [{ scope_kind: "team" }, 'unsupported scope_kind "team"'],
    [{ scope_kind: "provider" }, "provider_id is required for provider scope_kind"],
    [{ scope_kind: "global", virtual_key_id: "x" }, "global scope_kind must not include scope identifiers"],
    [{ scope_kind: "virtual_key_provider", virtual_key_id: "x" }, "virtual_key_id and provider_id are required for virtual_key_provider scope_kind"],
    [{ scope_kind: "virtual_key_provider_key", virtual_key_id: "x", provider_id: "openai" }, "virtual_key_id, provider_id, and provider_key_id are required for virtual_key_provider_key scope_kind"],
    [{ pattern: "gpt*4" }, "wildcard pattern supports a single trailing '*' only"],
    [{ pattern: "*" }, "wildcard prefix cannot be empty"],
    [{ match_type: "exact", pattern: "gpt-*" }, "exact pattern cannot include '*'"],
    [{ match_type: "regex" }, 'unsupported match_type "regex"'],
    [{ pattern: "  " }, "pattern is required"],
    [{ name: "" }, "name is required"],
    [{ request_types: ["chat"] }, 'unsupported request_type "chat"'],
    [{ patch: { input_cost_per_token: -1 } }, "input_cost_per_token must be non-negative"],
    [{ patch: { cache_read_input_token_cost: -0.1 } }, "cache_read_input_token_cost must be non-negative"],
    [{ patch: { made_up_cost: 1 } }, "Unknown field: patch.made_up_cost"],
    [{ patch: { input_cost_per_token: "1" } }, "Invalid value for patch.input_cost_per_token: expected a number"],
  ])("bad input %j → 400 %s, nothing stored", async (override, message) => {
    const pattern = `${unique("bad")}*`;
    const body = { name: "n", scope_kind: "global", match_type: "wildcard", pattern, ...override };
    const r = await rest("POST", PO, body);
    expect(r.body).toEqual(envelope(400, message));
    expect(await db.pricingOverride.count({ where: { pattern: String(body.pattern) } })).toBe(0);
  });
});

describe("priced usage", () => {
  it("tokens without cost are priced: default table, then a catalog edit, then overrides (most specific first)", async () => {
    const k = await newKey();
    const gpt = defaultPrice("openai", "gpt-4o")!;
    expect(gpt).toMatchObject({ inputCostPerToken: 2.5e-6, outputCostPerToken: 1e-5, source: "default" });
    const d = await usage(k.key, { model: "gpt-4o", prompt_tokens: 1000, completion_tokens: 100, prompt_tokens_details: { cached_tokens: 400 } });
    expect(d.status).toBe(200);
    const expected = 600 * 2.5e-6 + 400 * gpt.cachedInputCostPerToken! + 100 * 1e-5;
    expect(d.body.charged.cost).toBeCloseTo(expected, 10);
    expect(d.body.charged.tokens).toBe(1100);
    expect(d.body).toMatchObject({ cost_source: "default", pricing_override_id: null });
    expect(Number((await db.budget.findUniqueOrThrow({ where: { id: k.budget } })).currentUsage)).toBeCloseTo(expected, 10);

    // A model only this test uses: catalog edit, then overrides of rising specificity.
    const model = unique("model");
    expect((await usage(k.key, { model, prompt_tokens: 10 })).body).toMatchObject({ cost_source: "unpriced", charged: { cost: 0 } });
    const set = await rest("PUT", "/api/governance/model-prices", { provider: "openai", model, input_cost_per_token: 0.001, output_cost_per_token: 0.002 });
    expect(set.body.model_price).toMatchObject({ provider: "openai", model, input_cost_per_token: 0.001, source: "catalog" });
    expect((await rest("GET", `/api/governance/model-prices?provider=openai&model=${model}`)).body.model_price.output_cost_per_token).toBe(0.002);
    expect((await usage(k.key, { model, prompt_tokens: 10, completion_tokens: 5 })).body).toMatchObject({ cost_source: "catalog", charged: { cost: 0.02 } });

    const po = (body: Record<string, unknown>) => rest("POST", PO, { name: "o", ...body }).then((r) => r.body.pricing_override.id as string);
    const global = await po({ scope_kind: "global", match_type: "wildcard", pattern: `${model.slice(0, 8)}*`, patch: { input_cost_per_token: 0.01 } });
    let r = await usage(k.key, { model, prompt_tokens: 10, completion_tokens: 5 });
    expect(r.body).toMatchObject({ cost_source: "override", pricing_override_id: global, charged: { cost: 0.11 } }); // output from the catalog
    const exactProvider = await po({ scope_kind: "provider", provider_id: "openai", match_type: "exact", pattern: model, patch: { input_cost_per_token: 0.02 } });
    expect((await usage(k.key, { model, prompt_tokens: 10 })).body.pricing_override_id).toBe(exactProvider);
    const vkScoped = await po({ scope_kind: "virtual_key", virtual_key_id: k.id, match_type: "wildcard", pattern: `${model.slice(0, 8)}*`, patch: { input_cost_per_token: 0 } });
    r = await usage(k.key, { model, prompt_tokens: 10, completion_tokens: 5 });
    expect(r.body).toMatchObject({ pricing_override_id: vkScoped, charged: { cost: 0.01 } });
    const keyed = await po({ scope_kind: "virtual_key_provider_key", virtual_key_id: k.id, provider_id: "openai", provider_key_id: "pk-1", match_type: "exact", pattern: model, request_types: ["embedding"], patch: { input_cost_per_token: 0.5 } });
    expect((await usage(k.key, { model, prompt_tokens: 2, provider_key_id: "pk-1", request_type: "chat_completion" })).body.pricing_override_id).toBe(vkScoped);
    expect((await usage(k.key, { model, prompt_tokens: 2, provider_key_id: "pk-1", request_type: "embedding" })).body).toMatchObject({ pricing_override_id: keyed, charged: { cost: 1 } });
    // Another key sees only the global and provider ones; a reported cost is never re-priced.
    const other = await newKey();
    expect((await usage(other.key, { model, prompt_tokens: 1 })).body.pricing_override_id).toBe(exactProvider);
    expect((await usage(other.key, { model, prompt_tokens: 1, cost: 0.5 })).body).toMatchObject({ cost_source: "reported", charged: { cost: 0.5 } });

    // Removing the edit brings back the default (none for this model: unpriced again once overrides go).
    for (const id of [global, exactProvider, vkScoped, keyed]) await rest("DELETE", `${PO}/${id}`);
    expect((await rest("DELETE", `/api/governance/model-prices?provider=openai&model=${model}`)).status).toBe(200);
    expect((await rest("GET", `/api/governance/model-prices?provider=openai&model=${model}`)).status).toBe(404);
  });

  it("a check's estimated tokens become an estimated cost the same way", async () => {
    const k = await newKey();
    const r = await rest("POST", "/api/governance/check", { provider: "openai", model: "gpt-4o", estimated_tokens: 1000 }, { "x-bf-vk": k.key });
    expect(r.status).toBe(200);
    expect(r.body.reservation.cost).toBeCloseTo(1000 * 1e-5, 10); // the dearer (output) price: an upper bound
    const given = await rest("POST", "/api/governance/check", { provider: "openai", model: "gpt-4o", estimated_tokens: 1000, estimated_cost: 0.5 }, { "x-bf-vk": k.key });
    expect(given.body.reservation.cost).toBe(0.5);
  });

  it.each([
    [{ input_cost_per_token: -1, output_cost_per_token: 0 }, "input_cost_per_token must be non-negative"],
    [{ input_cost_per_token: 0, output_cost_per_token: 0, cached_input_cost_per_token: -1 }, "cached_input_cost_per_token must be non-negative"],
    [{ input_cost_per_token: 0 }, "output_cost_per_token is required"],
    [{ output_cost_per_token: 0, input_cost_per_token: 2 }, "Invalid value for input_cost_per_token: Too big: expected number to be <=1"],
  ])("catalog edit %j → 400", async (body, message) => {
    const r = await rest("PUT", "/api/governance/model-prices", { provider: "openai", model: unique("m"), ...body });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(message);
  });
});

describe("pricing over GraphQL", () => {
  it("setModelPrice, modelPrice, createPricingOverride (typed errors), recordUsage priced", async () => {
    const model = unique("gm");
    const set = await executeRaw(`mutation($i: ModelPriceInput!) { setModelPrice(input: $i) { __typename ... on ModelPricePayload { modelPrice { source inputCostPerToken } } } }`, {
      i: { provider: "openai", model, inputCostPerToken: 0.001, outputCostPerToken: 0.003 },
    });
    expect(set.data.setModelPrice).toEqual({ __typename: "ModelPricePayload", modelPrice: { source: "catalog", inputCostPerToken: 0.001 } });
    const neg = await executeRaw(`mutation($i: ModelPriceInput!) { setModelPrice(input: $i) { __typename ... on Error { message } } }`, { i: { provider: "openai", model, inputCostPerToken: -1, outputCostPerToken: 0 } });
    expect(neg.data.setModelPrice).toEqual({ __typename: "ValidationError", message: "input_cost_per_token must be non-negative" });
    expect((await executeRaw(`{ modelPrice(provider: "openai", model: "gpt-4o") { source outputCostPerToken } }`)).data.modelPrice).toEqual({ source: "default", outputCostPerToken: 1e-5 });

    const bad = await executeRaw(`mutation { createPricingOverride(input: { name: "x", scopeKind: "planet", matchType: "exact", pattern: "m" }) { __typename ... on Error { message } } }`);
    expect(bad.data.createPricingOverride).toEqual({ __typename: "ValidationError", message: 'unsupported scope_kind "planet"' });
    const ok = await executeRaw(`mutation($p: String!) { createPricingOverride(input: { name: "x", scopeKind: "global", matchType: "exact", pattern: $p, patch: { outputCostPerToken: 0 } }) { ... on PricingOverridePayload { pricingOverride { id patch { outputCostPerToken inputCostPerToken } } } } }`, { p: model });
    const id = ok.data.createPricingOverride.pricingOverride.id;
    expect(ok.data.createPricingOverride.pricingOverride.patch).toEqual({ outputCostPerToken: 0, inputCostPerToken: null });

    const k = await newKey();
    const rec = await executeRaw(`mutation($k: String, $i: RecordUsageInput!) { recordUsage(virtualKey: $k, input: $i) { ... on RecordUsagePayload { chargedCost costSource pricingOverrideId } } }`, {
      k: k.key,
      i: { requestId: unique("req"), provider: "openai", model, promptTokens: 10, completionTokens: 10, cachedTokens: 0 },
    });
    expect(rec.data.recordUsage).toEqual({ chargedCost: 0.01, costSource: "override", pricingOverrideId: id });
    const del = await executeRaw(`mutation($id: String!) { deletePricingOverride(id: $id) { __typename } }`, { id });
    expect(del.data.deletePricingOverride.__typename).toBe("DeletedPayload");
  });
});
