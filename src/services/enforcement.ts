/**
 * Pre-request governance check (spec §3.2), callable from REST (`POST /api/governance/check`) and GraphQL
 * (`checkAccess`). An allowed check RESERVES what it lets through on every level of the chain in the same
 * statement that decides it (one request always; `estimated_tokens` tokens and `estimated_cost` USD when
 * given; without them, an estimate learned from the key+model's recent usage: estimates.ts), so concurrent
 * checks on any number of instances can never let more through than the caps allow.
 * `recordUsage` (usage.ts) later settles the reservation to the real amounts; unsettled reservations expire
 * after `reservationTtlMs` (reservations.ts). Worst-case overshoot of a cap: the sum, over requests in flight,
 * of (real − estimated) amount — plus, as in Bifrost, the one request that crosses the cap.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { RequestContext } from "../context.js";
import {
  forgetKey, forgetRoute, freshness, keyConfig, routeConfig,
  type Freshness, type KeyConfig, type KeyRef, type ProviderConfigEntry, type RouteConfig, type Versioned,
} from "./enforcement-config.js";
import { allowedKeys, assertKeyAllows, chainLimits, firstDenial, hashKey, providerCandidates, providerSpecific } from "./enforcement-rules.js";
import { runCheck, type BudgetState, type CheckOutcome, type RateLimitState } from "./enforcement-sql.js";
import { AccessDeniedError, RequestIdConflictError, UnavailableError, ValidationError } from "./errors.js";
import { estimateFor } from "./estimates.js";
import { estimateCost } from "./pricing.js";
import { enforcementOptions, maybeSweep } from "./reservations.js";
import { fail, parseInput, TEN_DECIMALS, tenDecimals } from "./validation.js";

const usd = z.number().finite().min(0).max(1e9).refine(tenDecimals, TEN_DECIMALS);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const checkSchema = z
  .strictObject({
    provider: z.string().max(50).optional(),
    model: z.string().max(255).optional(),
    estimatedTokens: count.optional(),
    estimatedCost: usd.optional(),
    requestId: z.string().min(1).max(128).regex(/^[^\u0000]*$/, "request_id must not contain NUL").optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.model?.trim()) fail(ctx, ["model"], "model is required");
  });
export type CheckInput = z.input<typeof checkSchema>;

export interface CheckOptions {
  /** Bifrost's `is_vk_mandatory`: a request without a key is 401 `virtual_key_required`. */
  vkMandatory: boolean;
}

/** Remaining headroom of one budget after this check: USD. */
export interface BudgetHeadroom {
  state: BudgetState;
  /** Usage including this check's reservation. */
  usage: number;
  remaining: number;
}

export interface RateLimitHeadroom {
  state: RateLimitState;
  tokenUsage: number;
  tokensRemaining: number | null;
  requestUsage: number;
  requestsRemaining: number | null;
}

export interface CheckResult {
  requestId: string;
  virtualKey: { id: string; name: string } | null;
  /** Whether the gateway must not log content: the key's decision, false when it inherits (or no key). */
  disableContentLogging: boolean;
  provider: string;
  model: string;
  providerConfig: ProviderConfigEntry | null;
  allowedKeys: KeyRef[];
  /** What this check holds until recorded; null when a reservation for the request id already existed. */
  reservation: { cost: number; tokens: number; requests: 1; expiresAt: Date } | null;
  budgets: BudgetHeadroom[];
  rateLimits: RateLimitHeadroom[];
}

/** Retries only follow a change of this very key's or route's configuration (or a lock conflict). */
const MAX_ATTEMPTS = 10;

/** unique_violation, serialization_failure, deadlock_detected: the statement changed nothing. */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "23505" || code === "40001" || code === "40P01";
}

/** Splits `provider/model` when no provider is given. */
export function resolveTarget(provider: string | undefined, model: string): { provider: string | undefined; model: string } {
  const p = provider?.trim();
  if (p) return { provider: p, model: model.startsWith(`${p}/`) ? model.slice(p.length + 1) : model };
  const slash = model.indexOf("/");
  return slash > 0 ? { provider: model.slice(0, slash), model: model.slice(slash + 1) } : { provider: undefined, model };
}

/**
 * Decides a request for the key presented (its plain value, never logged or stored) and reserves on allow.
 * Throws AccessDeniedError with Bifrost's decision and reason, ValidationError for a bad body.
 */
export async function checkAccess(ctx: RequestContext, presented: string | undefined, input: unknown, options: CheckOptions): Promise<CheckResult> {
  const v = parseInput(checkSchema, input);
  const now = ctx.now();
  maybeSweep(now);
  const requestId = v.requestId ?? randomUUID();
  const target = resolveTarget(v.provider, v.model!.trim());
  if (presented === undefined && options.vkMandatory) {
    throw new AccessDeniedError("virtual_key_required", "virtual key is missing in headers and is mandatory.");
  }
  const keyHash = presented === undefined ? null : hashKey(presented);
  const given = { cost: await estimatedCost(v, target, keyHash), tokens: v.estimatedTokens };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const key = keyHash === null ? null : await keyConfig(keyHash);
    try {
      const result = await attemptCheck(key, keyHash, target, given, requestId, now);
      if (result) return result;
      if (keyHash !== null) forgetKey(keyHash);
    } catch (err) {
      // A concurrent check with the same request id won the insert (the retry sees it as a duplicate), or
      // PostgreSQL broke a lock cycle with a configuration write: nothing was written, try again.
      if (!isRetryable(err)) throw err;
    }
  }
  throw new UnavailableError("governance configuration is changing; retry the check");
}

type Amounts = { cost: number; tokens: number };
type Given = { cost: number | undefined; tokens: number | undefined };

/** The estimate to reserve: the given cost, else the estimated tokens priced (src/services/pricing.ts); undefined otherwise
 * (then estimates.ts learns one from the key's recent usage). */
async function estimatedCost(v: z.output<typeof checkSchema>, target: { provider: string | undefined; model: string }, keyHash: string | null): Promise<number | undefined> {
  if (v.estimatedCost !== undefined) return v.estimatedCost;
  if (!v.estimatedTokens || !target.provider) return undefined;
  const vk = keyHash === null ? null : (await keyConfig(keyHash)).value;
  return estimateCost({ provider: target.provider, model: target.model, virtualKeyId: vk?.id ?? null, providerKeyId: null, requestType: null }, v.estimatedTokens);
}

/** One pass with the configuration as cached; null when the statement saw newer configuration (the route is forgotten). */
async function attemptCheck(
  key: Versioned<KeyConfig | null> | null,
  keyHash: string | null,
  target: { provider: string | undefined; model: string },
  given: Given,
  requestId: string,
  now: Date,
): Promise<CheckResult | null> {
  const vk = key?.value ?? null;
  const keyPresented = keyHash !== null;
  const providers = target.provider ? [target.provider] : vk ? providerCandidates(vk, target.model) : [];
  if (providers.length === 0) {
    if (keyPresented && !vk) throw new AccessDeniedError("virtual_key_not_found", "Virtual key not found");
    if (vk && !vk.isActive) throw new AccessDeniedError("virtual_key_blocked", "Virtual key is inactive");
    if (vk && vk.providerConfigs.length > 0) throw new AccessDeniedError("model_blocked", `Model '${target.model}' is not allowed for this virtual key`);
    if (vk && !vk.allowAllProviders) throw new AccessDeniedError("provider_blocked", "Provider '' is not allowed for this virtual key");
    throw new ValidationError("provider is required (or a model of the form provider/model)", [{ path: ["provider"], message: "provider is required" }]);
  }
  let firstFailure: AccessDeniedError | null = null;
  for (const provider of providers) {
    const routeEntry = await routeConfig(provider, target.model);
    const route = routeEntry.value;
    const version = freshness(key, routeEntry);
    const stale = () => {
      forgetRoute(provider, target.model);
      return null;
    };
    let pc: ProviderConfigEntry | undefined;
    try {
      if (keyPresented && !vk) throw new AccessDeniedError("virtual_key_not_found", "Virtual key not found");
      pc = vk ? assertKeyAllows(vk, provider, target.model) : undefined;
    } catch (denied) {
      // Provider- and model-level governance is checked before the key (§3.2): decide it without reserving.
      const dry = await decide(route, null, undefined, keyHash, provider, target.model, { cost: given.cost ?? 0, tokens: given.tokens ?? 0 }, requestId, version, now, false);
      if (!dry.fresh) return stale();
      if (dry.status === "conflict") throw new RequestIdConflictError();
      throw firstDenial(dry.budgets, dry.rateLimits) ?? denied;
    }
    // A check without estimates reserves one learned from the key+model's recent usage (estimates.ts).
    const amounts = await estimateFor(vk?.id ?? null, provider, target.model, given);
    const outcome = await decide(route, vk, pc, keyHash, provider, target.model, amounts, requestId, version, now, true);
    if (!outcome.fresh) return stale();
    if (outcome.status === "conflict") throw new RequestIdConflictError();
    if (outcome.status !== "denied") return allowed(outcome, vk, pc, route, provider, target.model, amounts, requestId, now);
    const denial = firstDenial(outcome.budgets, outcome.rateLimits);
    if (!denial) return stale(); // passed but not applied: only a concurrent configuration change does that
    firstFailure ??= denial;
    if (target.provider || !providerSpecific(outcome.budgets, outcome.rateLimits)) throw denial;
  }
  throw firstFailure!;
}

function decide(
  route: RouteConfig,
  vk: KeyConfig | null,
  pc: ProviderConfigEntry | undefined,
  keyHash: string | null,
  provider: string,
  model: string,
  amounts: Amounts,
  requestId: string,
  version: Freshness,
  now: Date,
  reserve: boolean,
): Promise<CheckOutcome> {
  const chain = chainLimits(route, vk, pc);
  return runCheck({
    chain: {
      freshness: version,
      budgets: chain.flatMap((l) => l.budgets),
      rateLimits: chain.flatMap((l) => (l.rateLimit ? [l.rateLimit] : [])),
      reserve,
      virtualKeyId: vk?.id ?? null,
      keyHash,
      provider,
      model,
      now,
      expiresAt: new Date(now.getTime() + enforcementOptions.reservationTtlMs),
    },
    requestId,
    cost: String(amounts.cost),
    tokens: String(amounts.tokens),
  });
}

function allowed(
  outcome: CheckOutcome,
  vk: KeyConfig | null,
  pc: ProviderConfigEntry | undefined,
  route: RouteConfig,
  provider: string,
  model: string,
  amounts: Amounts,
  requestId: string,
  now: Date,
): CheckResult {
  const admitted = outcome.status === "admitted";
  const round = (x: number) => Math.round(x * 1e10) / 1e10; // numeric(20,10) precision, no float noise
  const left = (limit: string | null, used: number) => (limit === null ? null : round(Math.max(Number(limit) - used, 0)));
  // An admitted request sees the usage right after its own reservation; a duplicate sees the batch's final state.
  const usage = (base: string, held: number, final: string) => round(admitted ? Number(base) + held : Number(final));
  const h = outcome.heldThrough;
  return {
    requestId,
    virtualKey: vk ? { id: vk.id, name: vk.name } : null,
    disableContentLogging: vk?.disableContentLogging ?? false,
    provider,
    model,
    providerConfig: pc ?? null,
    allowedKeys: allowedKeys(route, pc),
    reservation: admitted ? { ...amounts, requests: 1, expiresAt: new Date(now.getTime() + enforcementOptions.reservationTtlMs) } : null,
    budgets: outcome.budgets.map((state) => {
      const used = usage(state.used, h.cost, state.finalUsed);
      return { state, usage: used, remaining: left(state.limit, used)! };
    }),
    rateLimits: outcome.rateLimits.map((state) => {
      const tokenUsage = usage(state.tokensUsed, h.tokens, state.finalTokensUsed);
      const requestUsage = usage(state.requestsUsed, h.requests, state.finalRequestsUsed);
      return { state, tokenUsage, tokensRemaining: left(state.tokenLimit, tokenUsage), requestUsage, requestsRemaining: left(state.requestLimit, requestUsage) };
    }),
  };
}
