/**
 * Enforcement configuration: which budgets and rate limits guard a (virtual key, provider, model), and the
 * key's allow-lists. Cached per process and tagged with the database's configuration version (the
 * `ConfigVersion` row, bumped by triggers on every change to what is cached here). Every hot-path statement
 * returns the current version; a mismatch clears the cache and the statement is retried, so no instance
 * ever enforces stale configuration. Counters (usage, last_reset) and limits are never cached: the
 * statements read them live. Only used by src/services/enforcement*.ts, usage*.ts, quota.ts.
 */
import { configCacheMetrics } from "../metrics.js";
import { db } from "../db/client.js";
import { compareDurations } from "../lib/duration.js";
import { compileModelList, type ModelMatcher } from "../lib/model-patterns.js";

/** Where a limit sits in Bifrost's hierarchy (spec §3.2 / §3.6). */
export type Level = "provider" | "model_provider" | "model" | "provider_config" | "virtual_key" | "team" | "customer";

export interface BudgetRef {
  id: string;
  level: Level;
  /** Name used in Bifrost's reason texts: `VK`, `Team`, `Customer`, the provider, `Model:<m>[:Provider:<p>]`. */
  name: string;
  resetDuration: string;
  calendarAligned: boolean;
}

export interface RateLimitRef {
  id: string;
  level: Level;
  name: string;
  tokenResetDuration: string | null;
  requestResetDuration: string | null;
  calendarAligned: boolean;
}

export interface Limits {
  /** Shortest window first. */
  budgets: BudgetRef[];
  rateLimit: RateLimitRef | null;
}

export interface KeyRef {
  keyId: string;
  name: string;
}

export interface ProviderConfigEntry {
  id: number;
  provider: string;
  weight: number | null;
  allowedModels: string[];
  blacklistedModels: string[];
  /** The two lists compiled once per cached configuration (regex entries as RE2 programs). */
  allowed: ModelMatcher;
  denied: ModelMatcher;
  allowAllKeys: boolean;
  keys: KeyRef[];
  limits: Limits;
}

export interface KeyConfig {
  id: string;
  name: string;
  isActive: boolean;
  allowAllProviders: boolean;
  /** The key's own decision (null: inherit). */
  disableContentLogging: boolean | null;
  teamId: string | null;
  /** The key's customer: its team's customer, or the one it is attached to directly. */
  customerId: string | null;
  providerConfigs: ProviderConfigEntry[];
  own: Limits;
  team: Limits | null;
  customer: Limits | null;
}

/** Provider- and model-level governance for one (provider, model), plus the provider's enabled keys. */
export interface RouteConfig {
  provider: Limits;
  modelProvider: Limits | null;
  model: Limits | null;
  providerKeys: KeyRef[];
}

const MAX_ENTRIES = 10_000;
let cachedVersion: string | null = null;
const keys = new Map<string, KeyConfig>();
const routes = new Map<string, RouteConfig>();

type BudgetRow = { id: string; resetDuration: string; calendarAligned: boolean };
type RateLimitRow = { id: string; tokenResetDuration: string | null; requestResetDuration: string | null; calendarAligned: boolean };
const budgetSelect = { select: { id: true, resetDuration: true, calendarAligned: true } } as const;
const rateLimitSelect = { select: { id: true, tokenResetDuration: true, requestResetDuration: true, calendarAligned: true } } as const;
const limitSelect = { budgets: budgetSelect, rateLimit: rateLimitSelect } as const;

function limits(level: Level, name: string, budgets: BudgetRow[], rateLimit: RateLimitRow | null): Limits {
  return {
    budgets: budgets
      .map((b) => ({ ...b, level, name }))
      .sort((a, b) => compareDurations(a.resetDuration, b.resetDuration) || (a.id < b.id ? -1 : 1)),
    rateLimit: rateLimit ? { ...rateLimit, level, name } : null,
  };
}

/** The configuration version as stored now (a decimal string: bigint). */
export async function readConfigVersion(): Promise<string> {
  const row = await db.configVersion.findUnique({ where: { id: 1 }, select: { version: true } });
  return String(row?.version ?? 0n);
}

/** Forgets everything cached (a statement saw another version). */
export function invalidateConfig(): void {
  if (cachedVersion !== null) configCacheMetrics.invalidation();
  cachedVersion = null;
  keys.clear();
  routes.clear();
}

/** Makes `version` the cache's version unless it is older (versions only grow); false when older. */
function adopt(version: string): boolean {
  if (cachedVersion !== null && BigInt(version) < BigInt(cachedVersion)) return false;
  if (cachedVersion !== version || keys.size + routes.size >= MAX_ENTRIES) {
    invalidateConfig();
    cachedVersion = version;
  }
  return true;
}

async function loadKey(valueHash: string): Promise<KeyConfig | null> {
  const vk = await db.virtualKey.findUnique({
    where: { valueHash },
    select: {
      id: true,
      name: true,
      isActive: true,
      allowAllProviders: true,
      disableContentLogging: true,
      teamId: true,
      customerId: true,
      ...limitSelect,
      providerConfigs: {
        orderBy: { id: "asc" },
        select: {
          id: true,
          provider: true,
          weight: true,
          allowedModels: true,
          blacklistedModels: true,
          allowAllKeys: true,
          ...limitSelect,
          keys: { orderBy: { providerKeyId: "asc" }, select: { providerKey: { select: { keyId: true, name: true, enabled: true } } } },
        },
      },
      team: { select: { customerId: true, ...limitSelect, customer: { select: { id: true, ...limitSelect } } } },
      customer: { select: { id: true, ...limitSelect } },
    },
  });
  if (!vk) return null;
  const customer = vk.team ? vk.team.customer : vk.customer;
  return {
    id: vk.id,
    name: vk.name,
    isActive: vk.isActive,
    allowAllProviders: vk.allowAllProviders,
    disableContentLogging: vk.disableContentLogging,
    teamId: vk.teamId,
    customerId: customer?.id ?? null,
    providerConfigs: vk.providerConfigs.map((pc) => ({
      id: pc.id,
      provider: pc.provider,
      weight: pc.weight,
      allowedModels: pc.allowedModels,
      blacklistedModels: pc.blacklistedModels,
      allowed: compileModelList(pc.allowedModels),
      denied: compileModelList(pc.blacklistedModels),
      allowAllKeys: pc.allowAllKeys,
      keys: pc.keys.filter((k) => k.providerKey.enabled).map((k) => ({ keyId: k.providerKey.keyId, name: k.providerKey.name })),
      limits: limits("provider_config", pc.provider, pc.budgets, pc.rateLimit),
    })),
    own: limits("virtual_key", "VK", vk.budgets, vk.rateLimit),
    team: vk.team ? limits("team", "Team", vk.team.budgets, vk.team.rateLimit) : null,
    customer: customer ? limits("customer", "Customer", customer.budgets, customer.rateLimit) : null,
  };
}

async function loadRoute(provider: string, model: string): Promise<RouteConfig> {
  const [budgets, rateLimit, modelConfigs, providerKeys] = await Promise.all([
    db.budget.findMany({ where: { providerName: provider }, ...budgetSelect }),
    db.rateLimit.findUnique({ where: { providerName: provider }, ...rateLimitSelect }),
    db.modelConfig.findMany({ where: { modelName: model, OR: [{ provider }, { provider: null }] }, select: { provider: true, ...limitSelect } }),
    db.providerKey.findMany({ where: { provider, enabled: true }, orderBy: { id: "asc" }, select: { keyId: true, name: true } }),
  ]);
  const specific = modelConfigs.find((m) => m.provider === provider);
  const global = modelConfigs.find((m) => m.provider === null);
  return {
    provider: limits("provider", provider, budgets, rateLimit),
    modelProvider: specific ? limits("model_provider", `Model:${model}:Provider:${provider}`, specific.budgets, specific.rateLimit) : null,
    model: global ? limits("model", `Model:${model}`, global.budgets, global.rateLimit) : null,
    providerKeys,
  };
}

export interface Versioned<T> {
  value: T;
  /** The configuration version `value` was loaded at (or later): pass it to the statement. */
  version: string;
}

/** Loads once per key at a time: concurrent misses for the same key share one load (no thundering herd). */
function singleFlight<T>(pending: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const running = pending.get(key);
  if (running) return running;
  const p = load().finally(() => pending.delete(key));
  pending.set(key, p);
  return p;
}
const pendingKeys = new Map<string, Promise<Versioned<KeyConfig | null>>>();
const pendingRoutes = new Map<string, Promise<Versioned<RouteConfig>>>();

/** A key's configuration by the SHA-256 of its value (null: no such key). Unknown keys are not cached. */
export async function keyConfig(valueHash: string): Promise<Versioned<KeyConfig | null>> {
  const hit = cachedVersion !== null ? keys.get(valueHash) : undefined;
  configCacheMetrics.lookup("key", !!hit);
  if (hit) return { value: hit, version: cachedVersion! };
  return singleFlight(pendingKeys, valueHash, async () => {
    const version = await readConfigVersion();
    const value = await loadKey(valueHash);
    if (value && adopt(version)) keys.set(valueHash, value);
    return { value, version };
  });
}

/** Provider- and model-level governance for a provider and model. */
export async function routeConfig(provider: string, model: string): Promise<Versioned<RouteConfig>> {
  const cacheKey = `${provider}\u0000${model}`;
  const hit = cachedVersion !== null ? routes.get(cacheKey) : undefined;
  configCacheMetrics.lookup("route", !!hit);
  if (hit) return { value: hit, version: cachedVersion! };
  return singleFlight(pendingRoutes, cacheKey, async () => {
    const version = await readConfigVersion();
    const value = await loadRoute(provider, model);
    if (adopt(version)) routes.set(cacheKey, value);
    return { value, version };
  });
}

/** Budget and rate-limit refs by id (rows since deleted are left out): the levels a reservation holds. */
export async function limitRefs(budgetIds: string[], rateLimitIds: string[]): Promise<Pick<Limits, "budgets"> & { rateLimits: RateLimitRef[] }> {
  const [budgets, rateLimits] = await Promise.all([
    budgetIds.length ? db.budget.findMany({ where: { id: { in: budgetIds } }, orderBy: { id: "asc" }, ...budgetSelect }) : [],
    rateLimitIds.length ? db.rateLimit.findMany({ where: { id: { in: rateLimitIds } }, orderBy: { id: "asc" }, ...rateLimitSelect }) : [],
  ]);
  const level = "virtual_key" as const;
  return { budgets: budgets.map((b) => ({ ...b, level, name: "VK" })), rateLimits: rateLimits.map((r) => ({ ...r, level, name: "VK" })) };
}

/** Test and benchmark hook: how many entries are cached, and at which version. */
export function configCacheState(): { version: string | null; keys: number; routes: number } {
  return { version: cachedVersion, keys: keys.size, routes: routes.size };
}
