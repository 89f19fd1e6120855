/**
 * Self-service usage read (`GET /api/governance/virtual-keys/quota`, spec §2 CURRENT; GraphQL `quota`):
 * authenticated by the key itself, no admin token. Reports the key's budgets (shortest reset cycle first),
 * its rate limit and its provider configs' budgets and rate limits, with usage as enforcement sees it now:
 * an expired window counts as 0 (it resets at its next touch), and usage includes holds of checks in flight.
 * Money USD, counts tokens/requests, instants UTC. Read-only; never reveals the key value.
 */
import type { RequestContext } from "../context.js";
import { db } from "../db/client.js";
import { hashKey } from "./enforcement-rules.js";
import { budgetStatus, rateWindowStatus, type RateKind } from "./limit-status.js";
import { byWindow } from "./limits.js";
import { AccessDeniedError } from "./errors.js";
import { maybeSweep } from "./reservations.js";

export interface BudgetQuota {
  id: string;
  maxLimit: number;
  /** Present only while an override is active: effective limit = maxLimit + overrideAmount. */
  overrideAmount: number | null;
  /** 0 when the window has expired. */
  currentUsage: number;
  remaining: number;
  resetDuration: string;
  calendarAligned: boolean;
  lastReset: Date;
  nextResetAt: Date | null;
}

export interface WindowQuota {
  maxLimit: number | null;
  resetDuration: string | null;
  currentUsage: number;
  remaining: number | null;
  lastReset: Date;
  nextResetAt: Date | null;
}

export interface RateLimitQuota {
  id: string;
  tokens: WindowQuota;
  requests: WindowQuota;
}

export interface ProviderConfigQuota {
  id: number;
  provider: string;
  weight: number | null;
  allowedModels: string[];
  blacklistedModels: string[];
  budgets: BudgetQuota[];
  rateLimit: RateLimitQuota | null;
}

/** Model-level governance that applies to the key's requests (provider null: every provider). */
export interface ModelConfigQuota {
  id: string;
  modelName: string;
  provider: string | null;
  budgets: BudgetQuota[];
  rateLimit: RateLimitQuota | null;
}

export interface KeyQuota {
  virtualKeyName: string;
  isActive: boolean;
  budgets: BudgetQuota[];
  rateLimit: RateLimitQuota | null;
  /** Every rate limit of the key itself (0 or 1 today), as a list. */
  rateLimits: RateLimitQuota[];
  providerConfigs: ProviderConfigQuota[];
  modelConfigs: ModelConfigQuota[];
}

type BudgetRow = {
  id: string;
  maxLimit: { toString(): string };
  overrideAmount: { toString(): string } | null;
  overrideMode: string | null;
  overrideCyclesRemaining: number | null;
  currentUsage: { toString(): string };
  resetDuration: string;
  calendarAligned: boolean;
  lastReset: Date;
};
type RateLimitRow = {
  id: string;
  tokenMaxLimit: bigint | null;
  tokenResetDuration: string | null;
  tokenCurrentUsage: bigint;
  tokenLastReset: Date;
  requestMaxLimit: bigint | null;
  requestResetDuration: string | null;
  requestCurrentUsage: bigint;
  requestLastReset: Date;
  calendarAligned: boolean;
};

/** A budget as enforcement sees it at `now` (expired window: usage 0; a last-cycle override lapses). */
export function budgetQuota(b: BudgetRow, now: Date): BudgetQuota {
  const s = budgetStatus(b, now);
  const maxLimit = Number(b.maxLimit.toString());
  return {
    id: b.id,
    maxLimit,
    overrideAmount: s.effectiveLimit > maxLimit ? Number(b.overrideAmount!.toString()) : null,
    currentUsage: s.usage,
    remaining: s.remaining,
    resetDuration: b.resetDuration,
    calendarAligned: b.calendarAligned,
    lastReset: b.lastReset,
    nextResetAt: s.nextResetAt,
  };
}

function windowQuota(r: RateLimitRow, kind: RateKind, now: Date): WindowQuota {
  const s = rateWindowStatus(r, kind, now);
  return {
    maxLimit: s.maxLimit,
    resetDuration: s.resetDuration,
    currentUsage: s.usage,
    remaining: s.remaining,
    lastReset: r[`${kind}LastReset`],
    nextResetAt: s.resetDuration ? s.nextResetAt : null,
  };
}

/** A rate limit's two windows as enforcement sees them at `now`. */
export function rateLimitQuota(r: RateLimitRow, now: Date): RateLimitQuota {
  return {
    id: r.id,
    tokens: windowQuota(r, "token", now),
    requests: windowQuota(r, "request", now),
  };
}

const byCycle = (budgets: BudgetRow[], now: Date) =>
  byWindow(budgets).map((b) => budgetQuota(b, now));

/** The presented key's quota; 401 `virtual_key_required` without a key, 403 `virtual_key_not_found` for an unknown one. */
export async function keyQuota(ctx: RequestContext, presented: string | undefined): Promise<KeyQuota> {
  const now = ctx.now();
  maybeSweep(now);
  if (presented === undefined) throw new AccessDeniedError("virtual_key_required", "virtual key is missing in headers and is mandatory.");
  const limits = { budgets: true, rateLimit: true } as const;
  const vk = await db.virtualKey.findUnique({
    where: { valueHash: hashKey(presented) },
    select: {
      name: true,
      isActive: true,
      allowAllProviders: true,
      ...limits,
      providerConfigs: {
        orderBy: { id: "asc" },
        select: { id: true, provider: true, weight: true, allowedModels: true, blacklistedModels: true, ...limits },
      },
    },
  });
  if (!vk) throw new AccessDeniedError("virtual_key_not_found", "Virtual key not found");
  const providers = vk.providerConfigs.map((pc) => pc.provider);
  const modelConfigs = await db.modelConfig.findMany({
    where: vk.allowAllProviders ? {} : { OR: [{ provider: null }, { provider: { in: providers } }] },
    orderBy: [{ modelName: "asc" }, { id: "asc" }],
    select: { id: true, modelName: true, provider: true, ...limits },
  });
  const rateLimit = vk.rateLimit ? rateLimitQuota(vk.rateLimit, now) : null;
  return {
    virtualKeyName: vk.name,
    isActive: vk.isActive,
    budgets: byCycle(vk.budgets, now),
    rateLimit,
    rateLimits: rateLimit ? [rateLimit] : [],
    providerConfigs: vk.providerConfigs.map((pc) => ({
      id: pc.id,
      provider: pc.provider,
      weight: pc.weight,
      allowedModels: pc.allowedModels,
      blacklistedModels: pc.blacklistedModels,
      budgets: byCycle(pc.budgets, now),
      rateLimit: pc.rateLimit ? rateLimitQuota(pc.rateLimit, now) : null,
    })),
    modelConfigs: modelConfigs.map((m) => ({
      id: m.id,
      modelName: m.modelName,
      provider: m.provider,
      budgets: byCycle(m.budgets, now),
      rateLimit: m.rateLimit ? rateLimitQuota(m.rateLimit, now) : null,
    })),
  };
}
