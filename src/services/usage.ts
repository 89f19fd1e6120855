/**
 * Post-response usage accounting (spec §3.6), callable from REST (`POST /api/governance/usage`) and GraphQL
 * (`recordUsage`). Adds `cost` (USD) to every budget and `tokens` plus one request to every rate limit of the
 * chain — provider, model configs (model+provider, then model-only), the key's provider config for the
 * provider actually used, the key, its team and its customer (through the team or directly) — atomically,
 * resetting expired windows in the same statement, and settles the check's reservation. Idempotent per
 * (virtual key, `request_id`): recording it again (even concurrently, on another instance) charges nothing;
 * another key's use of the id is a conflict (409). A failed call (`success: false`) pays the tokens and cost
 * it reports, not the request (§3.6). A record whose key was rotated or deleted since its check settles from
 * the reservation's own levels (usage is never lost).
 */
import { z } from "zod";
import type { RequestContext } from "../context.js";
import { db } from "../db/client.js";
import { forgetKey, forgetRoute, freshness, keyConfig, limitRefs, routeConfig } from "./enforcement-config.js";
import { isRetryable, resolveTarget } from "./enforcement.js";
import { chainLimits, hashKey, providerConfigFor } from "./enforcement-rules.js";
import { AccessDeniedError, RequestIdConflictError, UnavailableError } from "./errors.js";
import { learnFrom } from "./estimates.js";
import { priceTokens, type PricedCost } from "./pricing.js";
import { maybeSweep } from "./reservations.js";
import { runRecord, type RecordChain } from "./usage-sql.js";
import { fail, parseInput, TEN_DECIMALS, tenDecimals } from "./validation.js";

export const usageSchema = z
  .strictObject({
    requestId: z.string().max(128).regex(/^[^\u0000]*$/, "request_id must not contain NUL").optional(),
    provider: z.string().max(50).optional(),
    model: z.string().max(255).optional(),
    tokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    cost: z.number().finite().min(0).max(1e9).refine(tenDecimals, TEN_DECIMALS).optional(),
    success: z.boolean().optional(),
    // Upstream's usage fields: a record with tokens and no cost is priced (src/services/pricing.ts).
    promptTokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    completionTokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    promptTokensDetails: z.strictObject({ cachedTokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).optional(),
    requestType: z.string().max(64).optional(),
    providerKeyId: z.string().max(64).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.requestId?.trim()) return fail(ctx, ["requestId"], "request_id is required");
    if (!v.model?.trim()) return fail(ctx, ["model"], "model is required");
    if (!resolveTarget(v.provider, v.model).provider) fail(ctx, ["provider"], "provider is required (or a model of the form provider/model)");
  });
export type UsageInput = z.input<typeof usageSchema>;

export interface UsageResult {
  requestId: string;
  /** False when this request id had already been recorded (nothing was charged this time). */
  recorded: boolean;
  /** A reservation from the check was found and settled (or released, for a failed call). */
  settledReservation: boolean;
  /** What was charged to every level (no request for a failed call; nothing for a duplicate). */
  charged: { cost: number; tokens: number; requests: number };
  /** How many budget and rate-limit rows were updated. */
  budgetsUpdated: number;
  rateLimitsUpdated: number;
  /** Where the charged cost came from: "reported" by the caller, or priced ("override", "catalog", "default", "unpriced"). */
  costSource: string;
  pricingOverrideId: string | null;
}

const MAX_ATTEMPTS = 10;

type Chain = Pick<RecordChain, "freshness" | "budgets" | "rateLimits" | "virtualKeyId">;

/**
 * The levels a record charges when the presented key no longer resolves (rotated or deleted since its check):
 * the reservation's own levels that still exist, if that key (same value hash) holds it. Null: no
 * reservation; a RequestIdConflictError when another key holds it.
 */
async function reservedChain(requestId: string, keyHash: string | null): Promise<Chain | null> {
  const held = await db.reservation.findUnique({ where: { requestId }, select: { keyHash: true, virtualKeyId: true, budgetIds: true, rateLimitIds: true } });
  if (!held) return null;
  if (held.keyHash !== keyHash) throw new RequestIdConflictError();
  // Read live (not cached), so nothing to check for freshness.
  return { freshness: freshness(), ...(await limitRefs(held.budgetIds, held.rateLimitIds)), virtualKeyId: held.virtualKeyId };
}

/**
 * Records the usage of one request for the key presented (plain value, never stored). Throws
 * AccessDeniedError `virtual_key_required` (mandatory mode, no key) or `virtual_key_not_found` (an unknown
 * key with no reservation for the id), RequestIdConflictError when another key reserved or recorded the id.
 */
export async function recordUsage(ctx: RequestContext, presented: string | undefined, input: unknown, options: { vkMandatory: boolean }): Promise<UsageResult> {
  const v = parseInput(usageSchema, input);
  const now = ctx.now();
  maybeSweep(now);
  if (presented === undefined && options.vkMandatory) {
    throw new AccessDeniedError("virtual_key_required", "virtual key is missing in headers and is mandatory.");
  }
  const target = resolveTarget(v.provider, v.model!.trim()) as { provider: string; model: string };
  const success = v.success ?? true;
  // Spec §3.6: a failed or cancelled call pays the tokens and cost it reports; only the request counter is exempt.
  const keyHash = presented === undefined ? null : hashKey(presented);
  const priced = await priceRequest(v, target, keyHash);
  const tokens = v.tokens ?? (v.promptTokens ?? 0) + (v.completionTokens ?? 0);
  const charge = { cost: priced.cost, tokens, requests: success ? (1 as const) : (0 as const) };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const key = keyHash === null ? null : await keyConfig(keyHash);
    let chain: Chain;
    if (key && !key.value) {
      const held = await reservedChain(v.requestId!, keyHash);
      if (!held) {
        if (attempt === 1) {
          forgetKey(keyHash!); // a key created since its hash was cached as unknown: look once more
          continue;
        }
        const prior = await db.usageRecord.findUnique({ where: { requestId: v.requestId! }, select: { keyHash: true } });
        if (prior?.keyHash === keyHash) return duplicate(v.requestId!);
        throw new AccessDeniedError("virtual_key_not_found", "Virtual key not found");
      }
      chain = held;
    } else {
      const route = await routeConfig(target.provider, target.model);
      const vk = key?.value ?? null;
      const levels = chainLimits(route.value, vk, vk ? providerConfigFor(vk, target.provider) ?? undefined : undefined);
      chain = {
        freshness: freshness(key, route),
        budgets: levels.flatMap((l) => l.budgets),
        rateLimits: levels.flatMap((l) => (l.rateLimit ? [l.rateLimit] : [])),
        virtualKeyId: vk?.id ?? null,
      };
    }
    let outcome;
    try {
      outcome = await runRecord({
        chain: { ...chain, keyHash, provider: target.provider, model: target.model, now },
        requestId: v.requestId!,
        cost: String(charge.cost),
        tokens: String(charge.tokens),
        requests: charge.requests,
        success,
        reportedTokens: String(tokens),
        reportedCost: String(priced.cost),
      });
    } catch (err) {
      if (isRetryable(err)) continue;
      throw err;
    }
    if (!outcome.fresh) {
      if (keyHash !== null) forgetKey(keyHash);
      forgetRoute(target.provider, target.model);
      continue;
    }
    if (outcome.status === "conflict") throw new RequestIdConflictError();
    if (outcome.status === "retry") continue;
    if (outcome.status === "duplicate") return duplicate(v.requestId!);
    learnFrom(chain.virtualKeyId, target.provider, target.model, charge.cost, charge.tokens);
    return {
      requestId: v.requestId!,
      recorded: true,
      settledReservation: outcome.settled,
      charged: charge,
      budgetsUpdated: outcome.budgets,
      rateLimitsUpdated: outcome.rateLimits,
      costSource: priced.costSource,
      pricingOverrideId: priced.pricingOverrideId,
    };
  }
  throw new UnavailableError("governance configuration is changing; retry the record");
}

const duplicate = (requestId: string): UsageResult => ({
  requestId,
  recorded: false,
  settledReservation: false,
  charged: { cost: 0, tokens: 0, requests: 0 },
  budgetsUpdated: 0,
  rateLimitsUpdated: 0,
  costSource: "duplicate",
  pricingOverrideId: null,
});

/** The cost to charge: the reported one, else the record's tokens priced for its scope (0 without tokens). */
async function priceRequest(v: z.output<typeof usageSchema>, target: { provider: string; model: string }, keyHash: string | null): Promise<PricedCost> {
  if (v.cost !== undefined) return { cost: v.cost, costSource: "reported", pricingOverrideId: null };
  const prompt = v.promptTokens ?? (v.completionTokens === undefined ? v.tokens ?? 0 : 0);
  const completion = v.completionTokens ?? 0;
  if (prompt + completion === 0) return { cost: 0, costSource: "reported", pricingOverrideId: null };
  const vk = keyHash === null ? null : (await keyConfig(keyHash)).value;
  return priceTokens(
    { ...target, virtualKeyId: vk?.id ?? null, providerKeyId: v.providerKeyId?.trim() || null, requestType: v.requestType?.trim() || null },
    { promptTokens: prompt, completionTokens: completion, cachedTokens: v.promptTokensDetails?.cachedTokens ?? 0 },
  );
}
