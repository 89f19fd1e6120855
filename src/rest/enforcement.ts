/**
 * Enforcement routes (thin): `POST /api/governance/check`, `POST /api/governance/usage` and the self-service
 * `GET /api/governance/virtual-keys/quota` (literal segment: routed ahead of `/virtual-keys/:id`).
 * The key comes from the headers (spec §3.1); denials use the error envelope plus `type` (rest/errors.ts).
 */
import { checkDecision, measureEnforcement, usageDecision } from "../metrics.js";
import { nextResetAt } from "../lib/duration.js";
import { checkAccess, type CheckResult } from "../services/enforcement.js";
import { presentedKey } from "../services/enforcement-rules.js";
import { keyQuota, type BudgetQuota, type KeyQuota, type RateLimitQuota, type WindowQuota } from "../services/quota.js";
import { recordUsage, type UsageResult } from "../services/usage.js";
import { AccessDeniedError } from "../services/errors.js";
import { errorResponse } from "./errors.js";
import { json, type RestRequest, type Route } from "./http.js";

const keyOf = (request: Request) => presentedKey((name) => request.headers.get(name));
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function checkBody(r: CheckResult, now: Date) {
  return {
    type: "allow",
    request_id: r.requestId,
    ...(r.virtualKey ? { virtual_key: r.virtualKey } : {}),
    provider: r.provider,
    model: r.model,
    disable_content_logging: r.disableContentLogging,
    provider_config: r.providerConfig && {
      id: r.providerConfig.id,
      provider: r.providerConfig.provider,
      weight: r.providerConfig.weight,
      allowed_models: r.providerConfig.allowedModels,
      blacklisted_models: r.providerConfig.blacklistedModels,
      allow_all_keys: r.providerConfig.allowAllKeys,
    },
    allowed_keys: r.allowedKeys.map((k) => ({ key_id: k.keyId, name: k.name })),
    reservation: r.reservation && {
      cost: r.reservation.cost,
      tokens: r.reservation.tokens,
      requests: r.reservation.requests,
      expires_at: r.reservation.expiresAt.toISOString(),
    },
    budgets: r.budgets.map(({ state, usage, remaining }) => ({
      id: state.ref.id,
      level: state.ref.level,
      name: state.ref.name,
      max_limit: Number(state.limit),
      current_usage: usage,
      remaining,
      reset_duration: state.ref.resetDuration,
      last_reset: state.lastReset.toISOString(),
      next_reset_at: iso(nextResetAt({ duration: state.ref.resetDuration, lastReset: state.lastReset, calendarAligned: state.ref.calendarAligned }, now)),
    })),
    rate_limits: r.rateLimits.map(({ state, ...h }) => ({
      id: state.ref.id,
      level: state.ref.level,
      name: state.ref.name,
      token_max_limit: state.tokenLimit === null ? null : Number(state.tokenLimit),
      token_current_usage: h.tokenUsage,
      token_remaining: h.tokensRemaining,
      token_reset_duration: state.ref.tokenResetDuration,
      request_max_limit: state.requestLimit === null ? null : Number(state.requestLimit),
      request_current_usage: h.requestUsage,
      request_remaining: h.requestsRemaining,
      request_reset_duration: state.ref.requestResetDuration,
    })),
  };
}

function usageBody(r: UsageResult) {
  return {
    message: r.recorded ? "Usage recorded successfully" : "Usage already recorded for this request_id",
    request_id: r.requestId,
    recorded: r.recorded,
    settled_reservation: r.settledReservation,
    charged: r.charged,
    cost_source: r.costSource,
    pricing_override_id: r.pricingOverrideId,
  };
}

const budgetBody = (b: BudgetQuota) => ({
  id: b.id,
  max_limit: b.maxLimit,
  current_usage: b.currentUsage,
  remaining: b.remaining,
  reset_duration: b.resetDuration,
  calendar_aligned: b.calendarAligned,
  last_reset: b.lastReset.toISOString(),
  next_reset_at: iso(b.nextResetAt),
  ...(b.overrideAmount !== null ? { override_amount: b.overrideAmount } : {}),
});

function windowBody(prefix: "token" | "request", w: WindowQuota) {
  return {
    ...(w.maxLimit !== null ? { [`${prefix}_max_limit`]: w.maxLimit } : {}),
    ...(w.resetDuration !== null ? { [`${prefix}_reset_duration`]: w.resetDuration } : {}),
    [`${prefix}_current_usage`]: w.currentUsage,
    ...(w.remaining !== null ? { [`${prefix}_remaining`]: w.remaining } : {}),
    [`${prefix}_last_reset`]: w.lastReset.toISOString(),
    ...(w.nextResetAt ? { [`${prefix}_next_reset_at`]: w.nextResetAt.toISOString() } : {}),
  };
}

const rateLimitBody = (r: RateLimitQuota) => ({ id: r.id, ...windowBody("token", r.tokens), ...windowBody("request", r.requests) });
/** Upstream's quota never answers null: an absent rate limit is `{}`. */
const rateLimitOrEmpty = (r: RateLimitQuota | null) => (r ? rateLimitBody(r) : {});

/** Exactly upstream's seven keys, none null. */
function quotaBody(q: KeyQuota) {
  return {
    virtual_key_name: q.virtualKeyName,
    is_active: q.isActive,
    budgets: q.budgets.map(budgetBody),
    rate_limit: rateLimitOrEmpty(q.rateLimit),
    rate_limits: q.rateLimits.map(rateLimitBody),
    provider_configs: q.providerConfigs.map((pc) => ({
      id: pc.id,
      provider: pc.provider,
      weight: pc.weight ?? 1,
      allowed_models: pc.allowedModels,
      blacklisted_models: pc.blacklistedModels,
      budgets: pc.budgets.map(budgetBody),
      rate_limit: rateLimitOrEmpty(pc.rateLimit),
    })),
    model_configs: q.modelConfigs.map((m) => ({
      id: m.id,
      model_name: m.modelName,
      ...(m.provider !== null ? { provider: m.provider } : {}),
      budgets: m.budgets.map(budgetBody),
      rate_limit: rateLimitOrEmpty(m.rateLimit),
    })),
  };
}

/**
 * Upstream answers a quota read without a usable key 401 with the plain envelope (no `type`), its message
 * starting "Missing virtual key"; an unknown key is answered the same way (nothing to tell apart for a prober).
 */
async function quotaResponse(ctx: RestRequest["ctx"], request: Request): Promise<Response> {
  try {
    return json(quotaBody(await keyQuota(ctx, keyOf(request))));
  } catch (err) {
    if (err instanceof AccessDeniedError && (err.decision === "virtual_key_required" || err.decision === "virtual_key_not_found")) {
      const why = err.decision === "virtual_key_required" ? "send it as x-bf-vk, Authorization: Bearer, x-api-key, x-goog-api-key or api-key" : "no virtual key matches the value presented";
      return errorResponse(401, `Missing virtual key: ${why}`);
    }
    throw err;
  }
}

export const enforcementRoutes: Route[] = [
  {
    method: "POST",
    path: "/api/governance/check",
    access: { action: "create", resource: "enforcement" },
    handler: async ({ ctx, request, body }) => {
      const input = await body();
      const result = await measureEnforcement("check", () => checkAccess(ctx, keyOf(request), input, { vkMandatory: ctx.vkMandatory }), checkDecision);
      return json(checkBody(result, ctx.now()));
    },
  },
  {
    method: "POST",
    path: "/api/governance/usage",
    access: { action: "create", resource: "enforcement" },
    handler: async ({ ctx, request, body }) => {
      const input = await body();
      return json(usageBody(await measureEnforcement("record", () => recordUsage(ctx, keyOf(request), input, { vkMandatory: ctx.vkMandatory }), usageDecision)));
    },
  },
  {
    method: "GET",
    path: "/api/governance/virtual-keys/quota",
    access: "virtual-key",
    handler: ({ ctx, request }) => quotaResponse(ctx, request),
  },
];
