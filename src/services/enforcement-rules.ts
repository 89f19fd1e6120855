/**
 * Pure enforcement rules (no I/O): how a key is presented (spec §3.1), allow-lists (Part 1 §5), provider
 * selection (§3.7), the order in which levels are checked and Bifrost's decision texts (§3.2, §3.3).
 * Money in USD, tokens and requests as integer counts.
 */
import { hasVkPrefix, hashKey } from "../lib/api-keys.js";
import type { KeyConfig, KeyRef, Level, Limits, ProviderConfigEntry, RouteConfig } from "./enforcement-config.js";
import type { BudgetState, RateLimitState } from "./enforcement-sql.js";
import { AccessDeniedError } from "./errors.js";

/** Reads a virtual key from request headers in Bifrost's order; only `x-bf-vk` accepts a value without `sk-bf-`. */
export function presentedKey(header: (name: string) => string | null | undefined): string | undefined {
  const direct = header("x-bf-vk")?.trim();
  if (direct) return direct;
  const bearer = /^Bearer\s+(.+)$/i.exec(header("authorization")?.trim() ?? "")?.[1]?.trim();
  for (const v of [bearer, header("x-api-key")?.trim(), header("x-goog-api-key")?.trim(), header("api-key")?.trim()]) {
    if (v && hasVkPrefix(v)) return v;
  }
  return undefined;
}

export { hashKey };

/**
 * A provider config permits a model when its allow-list matches it and its deny-list does not (`["*"]` = every
 * model, `[]` = none; entries are exact names, `provider/model`, or `regex:` patterns: src/lib/model-patterns.ts).
 */
export function modelPermitted(pc: Pick<ProviderConfigEntry, "allowed" | "denied">, provider: string, model: string): boolean {
  return pc.allowed.matches(provider, model) && !pc.denied.matches(provider, model);
}

/** The provider config a key uses for `provider`; undefined with allow_all_providers and no config; null: blocked. */
export function providerConfigFor(key: KeyConfig, provider: string): ProviderConfigEntry | undefined | null {
  const pc = key.providerConfigs.find((c) => c.provider === provider);
  if (pc) return pc;
  return key.allowAllProviders ? undefined : null;
}

/** Static VK checks in Bifrost's order: inactive, provider, model. Throws the first failure. */
export function assertKeyAllows(key: KeyConfig, provider: string, model: string): ProviderConfigEntry | undefined {
  if (!key.isActive) throw new AccessDeniedError("virtual_key_blocked", "Virtual key is inactive");
  const pc = providerConfigFor(key, provider);
  if (pc === null) throw new AccessDeniedError("provider_blocked", `Provider '${provider}' is not allowed for this virtual key`);
  if (pc && !modelPermitted(pc, provider, model)) {
    throw new AccessDeniedError("model_blocked", `Model '${model}' is not allowed for this virtual key`);
  }
  return pc;
}

/**
 * Providers to try when the request names none (§3.7): the key's configs that allow the model, in a weighted
 * random order (null weight counts as 1; weight 0 only after every positive weight). `random` in [0, 1).
 */
export function providerCandidates(key: KeyConfig, model: string, random: () => number = Math.random): string[] {
  const pool = key.providerConfigs.filter((pc) => modelPermitted(pc, pc.provider, model));
  const order: string[] = [];
  while (pool.length) {
    const weights = pool.map((pc) => Math.max(pc.weight ?? 1, 0));
    const total = weights.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let r = random() * total;
      pick = weights.findIndex((w) => (r -= w) < 0);
      if (pick < 0) pick = weights.length - 1;
    }
    order.push(pool.splice(pick, 1)[0]!.provider);
  }
  return order;
}

/** The limits guarding a request, in check order: provider, model+provider, model, provider config, VK, team, customer. */
export function chainLimits(route: RouteConfig, key: KeyConfig | null, pc: ProviderConfigEntry | undefined): Limits[] {
  const levels = [route.provider, route.modelProvider, route.model, pc?.limits, key?.own, key?.team, key?.customer];
  return levels.filter((l): l is Limits => Boolean(l));
}

/** Provider keys the gateway may use: the config's listed keys, or all enabled keys of the provider. */
export function allowedKeys(route: RouteConfig, pc: ProviderConfigEntry | undefined): KeyRef[] {
  return pc && !pc.allowAllKeys ? pc.keys : route.providerKeys;
}

const ROUTE_LEVELS: Level[] = ["provider", "model_provider", "model"];
const isRoute = (level: Level) => ROUTE_LEVELS.includes(level);
const usd = (v: string) => Number(v).toFixed(4);

function rateLimitDenial(s: RateLimitState): AccessDeniedError | null {
  const violations: string[] = [];
  if (s.tokensOver) violations.push(`token limit exceeded (${s.finalTokensUsed}/${s.tokenLimit}, resets every ${s.ref.tokenResetDuration ?? "unknown"})`);
  if (s.requestsOver) violations.push(`request limit exceeded (${s.finalRequestsUsed}/${s.requestLimit}, resets every ${s.ref.requestResetDuration ?? "unknown"})`);
  if (violations.length === 0) return null;
  const decision = violations.length === 2 ? "rate_limited" : s.tokensOver ? "token_limited" : "request_limited";
  const prefix = s.ref.level === "provider" ? "Provider-level rate limit check failed" : isRoute(s.ref.level) ? "Model-level rate limit check failed" : "Rate limit check failed";
  return new AccessDeniedError(decision, `${prefix}: rate limit violated for ${s.ref.name}: ${violations.join("; ")}`);
}

function budgetDenial(s: BudgetState): AccessDeniedError | null {
  if (!s.over) return null;
  const prefix = s.ref.level === "provider" ? "Provider-level budget exceeded" : isRoute(s.ref.level) ? "Model-level budget exceeded" : "Budget exceeded";
  return new AccessDeniedError("budget_exceeded", `${prefix}: ${s.ref.name} budget exceeded: ${usd(s.finalUsed)} >= ${usd(s.limit)} dollars`);
}

const LEVEL_ORDER: Level[] = ["provider", "model_provider", "model", "provider_config", "virtual_key", "team", "customer"];

/** Position in Bifrost's check order (§3.2): provider RL, provider budget, model RLs, model budgets, VK-path RLs, VK-path budgets. */
function checkOrder(kind: "rate_limit" | "budget", level: Level): number {
  const r = LEVEL_ORDER.indexOf(level);
  if (level === "provider") return kind === "rate_limit" ? 0 : 10;
  if (isRoute(level)) return (kind === "rate_limit" ? 20 : 30) + r;
  return (kind === "rate_limit" ? 40 : 50) + r;
}

/** The first failing level in Bifrost's order (by the usage the request saw), or null when every level passes. */
export function firstDenial(budgets: BudgetState[], rateLimits: RateLimitState[]): AccessDeniedError | null {
  const steps = [
    ...rateLimits.map((s) => ({ at: checkOrder("rate_limit", s.ref.level), denial: () => rateLimitDenial(s) })),
    ...budgets.map((s) => ({ at: checkOrder("budget", s.ref.level), denial: () => budgetDenial(s) })),
  ].sort((a, b) => a.at - b.at);
  for (const s of steps) {
    const d = s.denial();
    if (d) return d;
  }
  return null;
}

/** True for a denial that another provider could avoid (§3.7: over its provider-level or provider-config limits). */
export function providerSpecific(budgets: BudgetState[], rateLimits: RateLimitState[]): boolean {
  const failing = [...budgets.filter((b) => b.over).map((b) => b.ref.level), ...rateLimits.filter((r) => r.tokensOver || r.requestsOver).map((r) => r.ref.level)];
  return failing.length > 0 && failing.every((l) => l === "provider" || l === "provider_config");
}
