/**
 * Enforcement configuration: which budgets and rate limits guard a (virtual key, provider, model), and the
 * key's allow-lists. Cached per process in two bounded LRUs (keys by value hash, routes by provider+model).
 * Each entry carries the database snapshot taken before it was loaded and its scopes (`vk:<id>`,
 * `team:<id>`, `customer:<id>`, `hash:<value hash>`, `provider:<name>`, `model:<name>`, `*`); triggers log
 * every configuration write under the scopes it touches (the `ConfigChange` table). Every hot-path statement
 * checks that no change of its entries' scopes was committed outside their snapshots; if one was, only those
 * entries are reloaded and the statement retried — a write to one key or model invalidates nothing else.
 * Unknown key hashes and routes without model governance are cached too (negatively), for a short TTL.
 * Counters (usage, last_reset) and limits are never cached: the statements read them live.
 * Only used by src/services/enforcement*.ts, usage*.ts, quota.ts.
 */
import { configCacheMetrics } from "../metrics.js";
import { db, rawSql } from "../db/client.js";
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

export const configCacheOptions = {
  /** Entries per cache (keys, routes); the least recently used is evicted beyond it. */
  size: 10_000,
  /** How long an unknown key hash or a route without model governance is cached (ms). */
  negativeTtlMs: 5_000,
  /** Age after which any entry is reloaded (ms); the change log keeps rows twice as long. */
  maxAgeMs: 5 * 60_000,
};

/** Overrides cache options (src/main.ts from the environment, tests). */
export function configureConfigCache(options: Partial<typeof configCacheOptions>): void {
  Object.assign(configCacheOptions, options);
}

/** A bounded map that forgets its least recently used entry. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  get size(): number {
    return this.map.size;
  }
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > configCacheOptions.size) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}

interface Entry<T> {
  versioned: Versioned<T>;
  expiresAt: number;
}
const keys = new Lru<Entry<KeyConfig | null>>();
const routes = new Lru<Entry<RouteConfig>>();

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

/** The database's current snapshot (pg_snapshot text): changes committed outside it are newer than a load. */
export async function currentSnapshot(): Promise<string> {
  const [row] = await rawSql.query<{ s: string }>(`SELECT pg_current_snapshot()::text AS s`, [], "gov_snapshot_v1");
  return row!.s;
}

/** Forgets everything cached (tests; a truncate is handled by the `*` scope). */
export function invalidateConfig(): void {
  configCacheMetrics.invalidation();
  keys.clear();
  routes.clear();
}

/** Forgets one key's entry (a statement saw a change of its scopes). */
export function forgetKey(valueHash: string): void {
  if (keys.delete(valueHash)) configCacheMetrics.invalidation();
}

/** Forgets one route's entry. */
export function forgetRoute(provider: string, model: string): void {
  if (routes.delete(`${provider}\u0000${model}`)) configCacheMetrics.invalidation();
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
  /** The snapshot taken before `value` was loaded, and the scopes whose change makes it stale: pass both to the statement. */
  snapshot: string;
  scopes: string[];
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

function cached<T>(cache: Lru<Entry<T>>, key: string, now: number): Versioned<T> | undefined {
  const hit = cache.get(key);
  if (hit && hit.expiresAt <= now) {
    cache.delete(key);
    return undefined;
  }
  return hit?.versioned;
}

const keyScopes = (valueHash: string, k: KeyConfig | null) =>
  k ? ["*", `vk:${k.id}`, ...(k.teamId ? [`team:${k.teamId}`] : []), ...(k.customerId ? [`customer:${k.customerId}`] : [])] : ["*", `hash:${valueHash}`];

/** A key's configuration by the SHA-256 of its value (null: no such key, cached for the negative TTL). */
export async function keyConfig(valueHash: string): Promise<Versioned<KeyConfig | null>> {
  const hit = cached(keys, valueHash, Date.now());
  configCacheMetrics.lookup("key", !!hit);
  if (hit) return hit;
  return singleFlight(pendingKeys, valueHash, async () => {
    const snapshot = await currentSnapshot();
    const value = await loadKey(valueHash);
    const versioned = { value, snapshot, scopes: keyScopes(valueHash, value) };
    keys.set(valueHash, { versioned, expiresAt: Date.now() + (value ? configCacheOptions.maxAgeMs : configCacheOptions.negativeTtlMs) });
    return versioned;
  });
}

/** Provider- and model-level governance for a provider and model (a model without any: cached for the negative TTL). */
export async function routeConfig(provider: string, model: string): Promise<Versioned<RouteConfig>> {
  const cacheKey = `${provider}\u0000${model}`;
  const hit = cached(routes, cacheKey, Date.now());
  configCacheMetrics.lookup("route", !!hit);
  if (hit) return hit;
  return singleFlight(pendingRoutes, cacheKey, async () => {
    const snapshot = await currentSnapshot();
    const value = await loadRoute(provider, model);
    const versioned = { value, snapshot, scopes: ["*", `provider:${provider}`, `model:${model}`] };
    const known = value.model || value.modelProvider;
    routes.set(cacheKey, { versioned, expiresAt: Date.now() + (known ? configCacheOptions.maxAgeMs : configCacheOptions.negativeTtlMs) });
    return versioned;
  });
}

/** What a statement checks for freshness: each scope with the snapshot of the entry it came from. */
export interface Freshness {
  scopes: string[];
  snapshots: string[];
}

/** The freshness parameters of the entries a statement relies on. */
export function freshness(...entries: (Versioned<unknown> | null)[]): Freshness {
  const scopes: string[] = [];
  const snapshots: string[] = [];
  for (const e of entries) {
    if (!e) continue;
    for (const s of e.scopes) {
      scopes.push(s);
      snapshots.push(e.snapshot);
    }
  }
  return { scopes, snapshots };
}

/** SQL: true when no change of the statement's scopes ($scopes text[], $snaps text[]) was committed outside its entry's snapshot. */
export const freshSql = (scopes: string, snaps: string) => `NOT EXISTS (
    SELECT 1 FROM unnest(${scopes}::text[], ${snaps}::text[]) AS f(scope, snap)
    JOIN "ConfigChange" c ON c."scope" = f.scope
    WHERE NOT pg_visible_in_snapshot(c."xid", f.snap::pg_snapshot))`;

/** Prunes change-log rows no cache entry can still need (older than twice the maximum entry age). */
export async function pruneConfigChanges(now: Date): Promise<number> {
  const before = new Date(now.getTime() - 2 * configCacheOptions.maxAgeMs).toISOString();
  const [row] = await rawSql.query<{ n: number }>(
    `WITH d AS (DELETE FROM "ConfigChange" WHERE "at" < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM d`,
    [before],
    "gov_prune_changes_v1",
  );
  return row?.n ?? 0;
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

/** Test and benchmark hook: how many entries are cached. */
export function configCacheState(): { keys: number; routes: number } {
  return { keys: keys.size, routes: routes.size };
}
