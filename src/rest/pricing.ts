/**
 * `/api/governance/pricing-overrides` (as upstream: create answers 201, PUT replaces, PATCH merges) and the price
 * catalog `/api/governance/model-prices` (set, read the effective price, remove an edit). Translation only.
 */
import type { PricingOverride } from "../generated/prisma/client.js";
import {
  createPricingOverride,
  deletePricingOverride,
  getPricingOverride,
  listPricingOverrides,
  updatePricingOverride,
} from "../services/pricing-overrides.js";
import { deleteModelPrice, getModelPrice, listModelPrices, setModelPrice, type ModelPriceView } from "../services/pricing.js";
import { json, type Route } from "./http.js";
import { listQuery } from "./query.js";
import { listEnvelope } from "./serialize.js";

const iso = (d: Date) => d.toISOString();

export function pricingOverride(o: PricingOverride) {
  return {
    id: o.id,
    name: o.name,
    scope_kind: o.scopeKind,
    ...(o.virtualKeyId !== null ? { virtual_key_id: o.virtualKeyId } : {}),
    ...(o.providerId !== null ? { provider_id: o.providerId } : {}),
    ...(o.providerKeyId !== null ? { provider_key_id: o.providerKeyId } : {}),
    match_type: o.matchType,
    pattern: o.pattern,
    ...(o.requestTypes.length ? { request_types: o.requestTypes } : {}),
    patch: o.patch,
    config_hash: o.configHash,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

const modelPrice = (p: ModelPriceView) => ({
  provider: p.provider,
  model: p.model,
  input_cost_per_token: p.inputCostPerToken,
  output_cost_per_token: p.outputCostPerToken,
  cached_input_cost_per_token: p.cachedInputCostPerToken,
  source: p.source,
});

const OVERRIDES = "/api/governance/pricing-overrides";

export const pricingRoutes: Route[] = [
  {
    method: "GET",
    path: OVERRIDES,
    access: { action: "read", resource: "pricing" },
    handler: async ({ ctx, query }) => {
      const page = await listPricingOverrides(ctx, {
        ...listQuery(query),
        scopeKind: query.get("scope_kind") ?? undefined,
        virtualKeyId: query.get("virtual_key_id") ?? undefined,
        providerId: query.get("provider_id") ?? undefined,
        providerKeyId: query.get("provider_key_id") ?? undefined,
      });
      return json(listEnvelope("pricing_overrides", page, pricingOverride));
    },
  },
  {
    method: "POST",
    path: OVERRIDES,
    access: { action: "create", resource: "pricing" },
    handler: async ({ ctx, body }) => json({ message: "Pricing override created successfully", pricing_override: pricingOverride(await createPricingOverride(ctx, await body())) }, 201),
  },
  {
    method: "GET",
    path: `${OVERRIDES}/:id`,
    access: { action: "read", resource: "pricing" },
    handler: async ({ ctx, params }) => json({ pricing_override: pricingOverride(await getPricingOverride(ctx, params.id!)) }),
  },
  ...(["PUT", "PATCH"] as const).map(
    (method): Route => ({
      method,
      path: `${OVERRIDES}/:id`,
      access: { action: "update", resource: "pricing" },
        handler: async ({ ctx, params, body }) => {
        const updated = await updatePricingOverride(ctx, params.id!, await body(), method === "PUT");
        return json({ message: "Pricing override updated successfully", pricing_override: pricingOverride(updated) });
      },
    }),
  ),
  {
    method: "DELETE",
    path: `${OVERRIDES}/:id`,
    access: { action: "delete", resource: "pricing" },
    handler: async ({ ctx, params }) => {
      await deletePricingOverride(ctx, params.id!);
      return json({ message: "Pricing override deleted successfully" });
    },
  },
  {
    method: "GET",
    path: "/api/governance/model-prices",
    access: { action: "read", resource: "pricing" },
    handler: async ({ ctx, query }) => {
      const provider = query.get("provider");
      const model = query.get("model");
      if (provider && model) return json({ model_price: modelPrice(await getModelPrice(ctx, provider, model)) });
      const prices = await listModelPrices(ctx);
      return json({ model_prices: prices.map(modelPrice), count: prices.length });
    },
  },
  {
    method: "PUT",
    path: "/api/governance/model-prices",
    access: { action: "update", resource: "pricing" },
    handler: async ({ ctx, body }) => json({ message: "Model price set successfully", model_price: modelPrice(await setModelPrice(ctx, await body())) }),
  },
  {
    method: "DELETE",
    path: "/api/governance/model-prices",
    access: { action: "delete", resource: "pricing" },
    handler: async ({ ctx, query }) => {
      await deleteModelPrice(ctx, query.get("provider") ?? "", query.get("model") ?? "");
      return json({ message: "Model price deleted successfully" });
    },
  },
];
