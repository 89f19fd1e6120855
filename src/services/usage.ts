/**
 * Post-response usage accounting (spec §3.6), callable from REST (`POST /api/governance/usage`) and GraphQL
 * (`recordUsage`). Adds `cost` (USD) to every budget and `tokens` plus one request to every rate limit of the
 * chain — provider, model configs (model+provider, then model-only), the key's provider config for the
 * provider actually used, the key, its team and its customer (through the team or directly) — atomically,
 * resetting expired windows in the same statement, and settles the check's reservation. Idempotent per
 * `request_id`: recording it again (even concurrently, on another instance) charges nothing. A failed call
 * (`success: false`) charges nothing but releases its reservation.
 */
import { z } from "zod";
import type { RequestContext } from "../context.js";
import { invalidateConfig, keyConfig, routeConfig } from "./enforcement-config.js";
import { isRetryable, resolveTarget } from "./enforcement.js";
import { chainLimits, hashKey, providerConfigFor } from "./enforcement-rules.js";
import { AccessDeniedError, UnavailableError } from "./errors.js";
import { maybeSweep } from "./reservations.js";
import { runRecord } from "./usage-sql.js";
import { fail, parseInput } from "./validation.js";

export const usageSchema = z
  .strictObject({
    requestId: z.string().max(128).regex(/^[^\u0000]*$/, "request_id must not contain NUL").optional(),
    provider: z.string().max(50).optional(),
    model: z.string().max(255).optional(),
    tokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    cost: z.number().finite().min(0).max(1e9).optional(),
    success: z.boolean().optional(),
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
  /** What was charged to every level (0 for a failed call or a duplicate). */
  charged: { cost: number; tokens: number; requests: number };
  /** How many budget and rate-limit rows were updated. */
  budgetsUpdated: number;
  rateLimitsUpdated: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Records the usage of one request for the key presented (plain value, never stored). Throws
 * AccessDeniedError `virtual_key_required` (mandatory mode, no key) or `virtual_key_not_found`.
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
  const charge = success ? { cost: v.cost ?? 0, tokens: v.tokens ?? 0, requests: 1 as const } : { cost: 0, tokens: 0, requests: 0 as const };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const key = presented === undefined ? null : await keyConfig(hashKey(presented));
    if (key && !key.value) throw new AccessDeniedError("virtual_key_not_found", "Virtual key not found");
    const route = await routeConfig(target.provider, target.model);
    if (key && key.version !== route.version) {
      invalidateConfig();
      continue;
    }
    const vk = key?.value ?? null;
    const chain = chainLimits(route.value, vk, vk ? providerConfigFor(vk, target.provider) ?? undefined : undefined);
    let outcome;
    try {
      outcome = await runRecord({
        chain: {
          version: route.version,
          budgets: chain.flatMap((l) => l.budgets),
          rateLimits: chain.flatMap((l) => (l.rateLimit ? [l.rateLimit] : [])),
          virtualKeyId: vk?.id ?? null,
          provider: target.provider,
          model: target.model,
          now,
        },
        requestId: v.requestId!,
        cost: String(charge.cost),
        tokens: String(charge.tokens),
        requests: charge.requests,
        success,
        reportedTokens: String(v.tokens ?? 0),
        reportedCost: String(v.cost ?? 0),
      });
    } catch (err) {
      if (isRetryable(err)) continue;
      throw err;
    }
    if (!outcome.fresh) {
      invalidateConfig();
      continue;
    }
    return {
      requestId: v.requestId!,
      recorded: outcome.inserted,
      settledReservation: outcome.settled,
      charged: outcome.inserted ? charge : { cost: 0, tokens: 0, requests: 0 },
      budgetsUpdated: outcome.budgets,
      rateLimitsUpdated: outcome.rateLimits,
    };
  }
  throw new UnavailableError("governance configuration is changing; retry the record");
}
