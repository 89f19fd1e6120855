/**
 * What a request costs. The catalog is per (provider, model), USD per token: a ModelPrice row when one was
 * set through the API, else the default table shipped with @pydantic/genai-prices 0.1.8 (read in process;
 * it never fetches). Pricing overrides (src/services/pricing-overrides.ts) patch it, the most specific scope
 * first: virtual key + provider + provider key, virtual key + provider, virtual key, provider key, provider,
 * global; within a scope an exact match before the longest wildcard prefix. Used by usage records that carry
 * tokens and no cost, and by checks that estimate tokens and no cost.
 */
import { audited } from "./audit.js";
import { calcPrice } from "@pydantic/genai-prices";
import { z } from "zod";
import type { RequestContext } from "../context.js";
import { db } from "../db/client.js";
import type { ModelPrice, PricingOverride } from "../generated/prisma/client.js";
import { NotFoundError } from "./errors.js";
import type { PricePatch } from "./pricing-overrides.js";
import { fail, parseInput } from "./validation.js";
import { safeArg } from "./text.js";

export const PRICE_SOURCE = "@pydantic/genai-prices@0.1.8";

export interface Price {
  inputCostPerToken: number;
  outputCostPerToken: number;
  /** null: cached prompt tokens cost the input price. */
  cachedInputCostPerToken: number | null;
  /** "catalog" (a price set through the API) or "default" (the shipped table). */
  source: "catalog" | "default";
}

/** The shipped default price of a model, per token; null when the table does not know it. */
export function defaultPrice(provider: string, model: string): Price | null {
  let found;
  try {
    found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: provider });
  } catch {
    return null;
  }
  const p = found?.model_price;
  if (!p || typeof p.input_mtok !== "number" || typeof p.output_mtok !== "number") return null;
  return {
    inputCostPerToken: p.input_mtok / 1e6,
    outputCostPerToken: p.output_mtok / 1e6,
    cachedInputCostPerToken: typeof p.cache_read_mtok === "number" ? p.cache_read_mtok / 1e6 : null,
    source: "default",
  };
}

const fromRow = (r: ModelPrice): Price => ({
  inputCostPerToken: Number(r.inputCostPerToken.toString()),
  outputCostPerToken: Number(r.outputCostPerToken.toString()),
  cachedInputCostPerToken: r.cachedInputCostPerToken === null ? null : Number(r.cachedInputCostPerToken.toString()),
  source: "catalog",
});

/** The catalog price of (provider, model): the edited row, else the default; null when neither exists. */
export async function catalogPrice(provider: string, model: string): Promise<Price | null> {
  const row = await db.modelPrice.findUnique({ where: { provider_model: { provider, model } } });
  return row ? fromRow(row) : defaultPrice(provider, model);
}

export interface PricingScope {
  provider: string;
  model: string;
  virtualKeyId: string | null;
  providerKeyId: string | null;
  requestType: string | null;
}

const SCOPE_ORDER = ["virtual_key_provider_key", "virtual_key_provider", "virtual_key", "provider_key", "provider", "global"];

function scopeApplies(o: PricingOverride, s: PricingScope): boolean {
  const vk = o.virtualKeyId === s.virtualKeyId && s.virtualKeyId !== null;
  const p = o.providerId === s.provider;
  const pk = o.providerKeyId === s.providerKeyId && s.providerKeyId !== null;
  switch (o.scopeKind) {
    case "global": return true;
    case "provider": return p;
    case "provider_key": return pk;
    case "virtual_key": return vk;
    case "virtual_key_provider": return vk && p;
    case "virtual_key_provider_key": return vk && p && pk;
    default: return false;
  }
}

const matches = (o: PricingOverride, model: string) => (o.matchType === "exact" ? o.pattern === model : model.startsWith(o.pattern.slice(0, -1)));
const specificity = (o: PricingOverride) => SCOPE_ORDER.indexOf(o.scopeKind) * 1000 + (o.matchType === "exact" ? 0 : 500 - Math.min(o.pattern.length, 499));

/** The most specific override for the request, or null. */
export async function matchingOverride(s: PricingScope): Promise<PricingOverride | null> {
  const candidates = await db.pricingOverride.findMany({
    where: {
      OR: [
        { scopeKind: "global" },
        { providerId: s.provider },
        ...(s.virtualKeyId ? [{ virtualKeyId: s.virtualKeyId }] : []),
        ...(s.providerKeyId ? [{ providerKeyId: s.providerKeyId }] : []),
      ],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const applicable = candidates.filter(
    (o) => scopeApplies(o, s) && matches(o, s.model) && (o.requestTypes.length === 0 || (s.requestType !== null && o.requestTypes.includes(s.requestType))),
  );
  return applicable.sort((a, b) => specificity(a) - specificity(b))[0] ?? null;
}

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export interface PricedCost {
  cost: number;
  /** "reported" (the caller said), "override", "catalog", "default", or "unpriced" (no price known: charged 0). */
  costSource: "reported" | "override" | "catalog" | "default" | "unpriced";
  pricingOverrideId: string | null;
}

const round = (x: number) => Math.round(x * 1e10) / 1e10; // numeric(20,10), the budgets' precision

/** Prices token counts for the scope: the catalog price patched by the most specific override. */
export async function priceTokens(scope: PricingScope, t: TokenCounts): Promise<PricedCost> {
  const [base, override] = await Promise.all([catalogPrice(scope.provider, scope.model), matchingOverride(scope)]);
  const patch = (override?.patch ?? {}) as PricePatch;
  const input = patch.input_cost_per_token ?? base?.inputCostPerToken;
  const output = patch.output_cost_per_token ?? base?.outputCostPerToken;
  if (input === undefined && output === undefined) return { cost: 0, costSource: "unpriced", pricingOverrideId: null };
  const cachedPrice = patch.cache_read_input_token_cost ?? base?.cachedInputCostPerToken ?? input ?? 0;
  const cached = Math.min(t.cachedTokens, t.promptTokens);
  const cost = (t.promptTokens - cached) * (input ?? 0) + cached * cachedPrice + t.completionTokens * (output ?? 0);
  return { cost: round(cost), costSource: override ? "override" : base!.source, pricingOverrideId: override?.id ?? null };
}

/** A check's estimate: `tokens` priced at the dearer of the input and output price (an upper bound); undefined when unpriced. */
export async function estimateCost(scope: PricingScope, tokens: number): Promise<number | undefined> {
  const [base, override] = await Promise.all([catalogPrice(scope.provider, scope.model), matchingOverride(scope)]);
  const patch = (override?.patch ?? {}) as PricePatch;
  const input = patch.input_cost_per_token ?? base?.inputCostPerToken;
  const output = patch.output_cost_per_token ?? base?.outputCostPerToken;
  if (input === undefined && output === undefined) return undefined;
  return round(tokens * Math.max(input ?? 0, output ?? 0));
}

// --- Catalog edits (REST /api/governance/model-prices, GraphQL modelPrice / setModelPrice / deleteModelPrice) ---

const perToken = z.number().finite().max(1);
export const modelPriceSchema = z
  .strictObject({
    provider: z.string().max(50).optional(),
    model: z.string().max(255).optional(),
    inputCostPerToken: perToken.optional(),
    outputCostPerToken: perToken.optional(),
    cachedInputCostPerToken: perToken.nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.provider?.trim()) return fail(ctx, ["provider"], "provider is required");
    if (!v.model?.trim()) return fail(ctx, ["model"], "model is required");
    for (const f of ["inputCostPerToken", "outputCostPerToken"] as const) {
      if (v[f] === undefined) return fail(ctx, [f], `${f === "inputCostPerToken" ? "input" : "output"}_cost_per_token is required`);
    }
    for (const f of ["inputCostPerToken", "outputCostPerToken", "cachedInputCostPerToken"] as const) {
      const x = v[f];
      if (x != null && x < 0) return fail(ctx, [f], `${f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} must be non-negative`);
    }
  });

export interface ModelPriceView extends Price {
  provider: string;
  model: string;
}

export async function setModelPrice(ctx: RequestContext, input: unknown): Promise<ModelPriceView> {
  const v = parseInput(modelPriceSchema, input);
  const key = { provider: v.provider!.trim(), model: v.model!.trim() };
  const values = { inputCostPerToken: v.inputCostPerToken!, outputCostPerToken: v.outputCostPerToken!, cachedInputCostPerToken: v.cachedInputCostPerToken ?? null };
  const row = await audited(ctx, { action: "update", entity: "ModelPrice", id: `${key.provider}/${key.model}` }, (tx) =>
    tx.modelPrice.upsert({ where: { provider_model: key }, create: { ...key, ...values }, update: values }),
  );
  return { ...key, ...fromRow(row) };
}

/** The price that applies to (provider, model) before overrides; NotFoundError when none is known. */
export async function getModelPrice(_ctx: RequestContext, provider: string, model: string): Promise<ModelPriceView> {
  safeArg(provider, "provider parameter");
  safeArg(model, "model parameter");
  const price = await catalogPrice(provider, model);
  if (!price) throw new NotFoundError("Model price");
  return { provider, model, ...price };
}

export async function listModelPrices(_ctx: RequestContext): Promise<ModelPriceView[]> {
  const rows = await db.modelPrice.findMany({ orderBy: [{ provider: "asc" }, { model: "asc" }] });
  return rows.map((r) => ({ provider: r.provider, model: r.model, ...fromRow(r) }));
}

/** Removes an edit: the default price (if any) applies again. */
export async function deleteModelPrice(ctx: RequestContext, provider: string, model: string): Promise<void> {
  safeArg(provider, "provider parameter");
  safeArg(model, "model parameter");
  await audited(ctx, { action: "delete", entity: "ModelPrice", id: `${provider}/${model}` }, async (tx) => {
    const { count } = await tx.modelPrice.deleteMany({ where: { provider, model } });
    if (count === 0) throw new NotFoundError("Model price");
  });
}
