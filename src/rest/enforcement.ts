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
import { json, type Route } from "./http.js";

const keyOf = (request: Request) => presentedKey((name) => request.headers.get(name));
/** The quota read accepts only `x-bf-vk` or `Authorization: Bearer sk-bf-…` (spec §2). */
const quotaKeyOf = (request: Request) => presentedKey((name) => (name === "x-bf-vk" || name === "authorization" ? request.headers.get(name) : null));
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

const rateLimitBody = (r: RateLimitQuota | null) => r && { id: r.id, ...windowBody("token", r.tokens), ...windowBody("request", r.requests) };

function quotaBody(q: KeyQuota) {
  return {
    virtual_key_name: q.virtualKeyName,
    is_active: q.isActive,
    budgets: q.budgets.map(budgetBody),
    rate_limit: rateLimitBody(q.rateLimit),
    provider_configs: q.providerConfigs.map((pc) => ({ id: pc.id, provider: pc.provider, budgets: pc.budgets.map(budgetBody), rate_limit: rateLimitBody(pc.rateLimit) })),
  };
}

export const enforcementRoutes: Route[] = [
  {
    method: "POST",
    path: "/api/governance/check",
    handler: async ({ ctx, request, body }) => {
      const input = await body();
      const result = await measureEnforcement("check", () => checkAccess(ctx, keyOf(request), input, { vkMandatory: ctx.vkMandatory }), checkDecision);
      return json(checkBody(result, ctx.now()));
    },
  },
  {
    method: "POST",
    path: "/api/governance/usage",
    handler: async ({ ctx, request, body }) => {
      const input = await body();
      return json(usageBody(await measureEnforcement("record", () => recordUsage(ctx, keyOf(request), input, { vkMandatory: ctx.vkMandatory }), usageDecision)));
    },
  },
  {
    method: "GET",
    path: "/api/governance/virtual-keys/quota",
    handler: async ({ ctx, request }) => json(quotaBody(await keyQuota(ctx, quotaKeyOf(request)))),
  },
];
