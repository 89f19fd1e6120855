/**
 * Service rows → Bifrost's documented JSON (spec §1, seeds): snake_case, RFC 3339 timestamps with
 * milliseconds, optional FKs omitted when null, lists always arrays, secrets never included.
 * Optional fields are left `undefined`, which JSON.stringify omits (Go's omitempty) — every value here ends up as
 * JSON, and filtering keys per object cost more than all the rest of a 100-key page (issue #13).
 * Objects are written as literals (no spreads) for the same reason: this runs for every row of every REST page.
 */
import { maskKey } from "../lib/api-keys.js";
import { isoTime } from "../lib/iso-time.js";
import { byWindow } from "../services/limits.js";
import type { JsonPaged } from "../services/pagination.js";
import type {
  CustomerRow,
  McpConfigRow,
  ProviderConfigRow,
  TeamRow,
  VirtualKeyCoreRow,
  VirtualKeyRow,
} from "../services/shapes.js";
import type { Budget, Customer, ProviderKey, RateLimit, Team } from "../generated/prisma/client.js";

type Json = Record<string, unknown>;
const iso = isoTime;
const num = (v: { toNumber(): number } | number | bigint): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v.toNumber());
const opt = <T, R>(v: T | null | undefined, f: (v: T) => R): R | undefined => (v == null ? undefined : f(v));

export function budget(b: Budget): Json {
  return {
    id: b.id,
    max_limit: num(b.maxLimit),
    reset_duration: b.resetDuration,
    calendar_aligned: b.calendarAligned,
    last_reset: iso(b.lastReset),
    current_usage: num(b.currentUsage),
    config_hash: b.configHash,
    created_at: iso(b.createdAt),
    updated_at: iso(b.updatedAt),
    ...(b.overrideAmount == null
      ? {}
      : ({ override_amount: num(b.overrideAmount), override_mode: b.overrideMode, override_cycles_remaining: b.overrideCyclesRemaining ?? undefined })),
  };
}

export function rateLimit(r: RateLimit): Json {
  return {
    id: r.id,
    token_max_limit: opt(r.tokenMaxLimit, num),
    token_reset_duration: r.tokenResetDuration ?? undefined,
    token_current_usage: num(r.tokenCurrentUsage),
    token_last_reset: iso(r.tokenLastReset),
    request_max_limit: opt(r.requestMaxLimit, num),
    request_reset_duration: r.requestResetDuration ?? undefined,
    request_current_usage: num(r.requestCurrentUsage),
    request_last_reset: iso(r.requestLastReset),
    config_hash: r.configHash,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

/** `budget_id`/`budget` (SEED: the shortest window), `budgets` (CURRENT, omitted when empty), `rate_limit`. */
export function limits(owner: { budgets: Budget[]; rateLimit: RateLimit | null }) {
  const budgets = byWindow(owner.budgets);
  const primary = budgets[0];
  return {
    budget_id: primary?.id,
    rate_limit_id: owner.rateLimit?.id,
    budget: opt(primary, budget),
    budgets: budgets.length ? budgets.map(budget) : undefined,
    rate_limit: opt(owner.rateLimit, rateLimit),
  };
}

/** A provider key with its secret blanked: env references are shown as references, values never. */
export function providerKey(k: ProviderKey): Json {
  const fromEnv = k.value.startsWith("env.");
  return {
    id: k.id,
    name: k.name,
    provider: k.provider,
    key_id: k.keyId,
    value: { value: "", env_var: fromEnv ? k.value : "", from_env: fromEnv },
    models: k.models,
    weight: k.weight,
    enabled: k.enabled,
    use_for_batch_api: k.useForBatchApi,
    config_hash: k.configHash,
    created_at: iso(k.createdAt),
    updated_at: iso(k.updatedAt),
  };
}

export function providerConfig(pc: ProviderConfigRow): Json {
  const { budget_id, rate_limit_id, ...rest } = limits(pc);
  return {
    id: pc.id,
    virtual_key_id: pc.virtualKeyId,
    provider: pc.provider,
    weight: pc.weight,
    allowed_models: pc.allowedModels,
    blacklisted_models: pc.blacklistedModels,
    allow_all_keys: pc.allowAllKeys,
    budget_id,
    rate_limit_id,
    ...rest,
    keys: pc.keys.map((k) => providerKey(k.providerKey)),
  };
}

export function mcpConfig(m: McpConfigRow): Json {
  return {
    id: m.id,
    virtual_key_id: m.virtualKeyId,
    mcp_client_id: m.mcpClientId,
    mcp_client_name: m.mcpClient.name,
    tools_to_execute: m.toolsToExecute,
    mcp_client: { id: m.mcpClient.id, name: m.mcpClient.name, connection_type: m.mcpClient.connectionType },
  };
}

type CustomerSummary = Customer & { budgets: Budget[]; rateLimit: RateLimit | null };
type TeamSummary = Team & { budgets: Budget[]; rateLimit: RateLimit | null };

function customerBase(c: CustomerSummary): Json {
  return { id: c.id, name: c.name, email: c.email ?? undefined, ...limits(c), calendar_aligned: c.calendarAligned };
}
const stamps = (o: { configHash: string; createdAt: Date; updatedAt: Date }) => ({
  config_hash: o.configHash,
  created_at: iso(o.createdAt),
  updated_at: iso(o.updatedAt),
});

function teamBase(t: TeamSummary): Json {
  return { id: t.id, name: t.name, customer_id: t.customerId ?? undefined, ...limits(t), calendar_aligned: t.calendarAligned };
}

/** A key's own fields and configuration. `value` is the masked form unless the full value is given (create/rotate). */
function virtualKeyCore(vk: VirtualKeyCoreRow, fullValue?: string): Json {
  return {
    id: vk.id,
    name: vk.name,
    value: fullValue ?? maskKey(vk.valuePrefix, vk.valueSuffix),
    description: vk.description,
    is_active: vk.isActive,
    team_id: vk.teamId ?? undefined,
    customer_id: vk.customerId ?? undefined,
    ...limits(vk),
    calendar_aligned: vk.calendarAligned,
    allow_all_providers: vk.allowAllProviders,
    disable_content_logging: vk.disableContentLogging ?? undefined,
    provider_configs: vk.providerConfigs.map(providerConfig),
    mcp_configs: vk.mcpConfigs.map(mcpConfig),
    ...stamps(vk),
  };
}

export function virtualKey(vk: VirtualKeyRow, fullValue?: string): Json {
  return {
    ...virtualKeyCore(vk, fullValue),
    team: opt(vk.team, (t) => ({ ...teamBase(t), customer: opt(t.customer, (c) => ({ ...customerBase(c), ...stamps(c) })), ...stamps(t) })),
    customer: opt(vk.customer, (c) => ({ ...customerBase(c), ...stamps(c) })),
  };
}

export function team(t: TeamRow): Json {
  return {
    ...teamBase(t),
    customer: opt(t.customer, (c) => ({ ...customerBase(c), ...stamps(c) })),
    virtual_keys: t.virtualKeys.map((vk) => (virtualKeyCore(vk))),
    profile: t.profile ?? null,
    config: t.config ?? null,
    claims: t.claims ?? null,
    ...stamps(t),
  };
}

export function customer(c: CustomerRow): Json {
  return {
    ...customerBase(c),
    teams: c.teams.map((t) => ({ ...teamBase(t), profile: t.profile ?? null, config: t.config ?? null, claims: t.claims ?? null, ...stamps(t) })),
    virtual_keys: c.virtualKeys.map((vk) => (virtualKeyCore(vk))),
    ...stamps(c),
  };
}

/** listEnvelope of a page whose items are JSON already: the UTF-8 of what JSON.stringify(listEnvelope(…)) writes. */
export function listEnvelopeBytes(plural: string, page: JsonPaged): Uint8Array<ArrayBuffer> {
  const tail = `,"count":${page.count},"total_count":${page.totalCount},"limit":${page.limit},"offset":${page.offset}}`;
  return Buffer.concat([Buffer.from(`{${JSON.stringify(plural)}:`), page.items, Buffer.from(tail)]);
}

/** Bifrost's list envelope: `{<plural>: [...], count, total_count, limit, offset}`. */
export function listEnvelope<T>(plural: string, page: { items: T[]; totalCount: number; limit: number; offset: number }, map: (t: T) => Json): Json {
  return { [plural]: page.items.map(map), count: page.items.length, total_count: page.totalCount, limit: page.limit, offset: page.offset };
}
