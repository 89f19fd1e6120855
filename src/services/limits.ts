/**
 * Budget and rate-limit rows for any owner (virtual key, provider config, team, customer, model config,
 * provider). Called only by other services, inside their transaction (`tx`). Money in USD, durations
 * in Bifrost's reset_duration grammar (src/lib/duration.ts), time in UTC.
 */
import { alignLastReset, compareDurations } from "../lib/duration.js";
import type { Tx } from "../db/client.js";
import type { BudgetInput, RateLimitInput } from "./validation.js";

export type Owner =
  | { virtualKeyId: string }
  | { providerConfigId: number }
  | { teamId: string }
  | { customerId: string }
  | { modelConfigId: string }
  | { providerName: string };

/** Column values of a new budget; calendar-aligned budgets start at the current period (Part 1 §11). */
export function newBudgetData(b: BudgetInput, ownerAligned: boolean, now: Date) {
  const resetDuration = b.resetDuration as string;
  const calendarAligned = b.calendarAligned ?? ownerAligned;
  return {
    maxLimit: b.maxLimit as number,
    resetDuration,
    calendarAligned,
    lastReset: calendarAligned ? alignLastReset(resetDuration, now) : now,
  };
}

/**
 * Column values of a new rate limit (absent fields are null: never blocks on that window). The owner's
 * calendar_aligned flag applies to its rate limits too (spec §3.5 CURRENT): aligned windows start at the
 * current period.
 */
export function newRateLimitData(r: RateLimitInput, now: Date, ownerAligned = false) {
  const start = (duration: string | null | undefined) => (ownerAligned && duration ? alignLastReset(duration, now) : now);
  return {
    tokenMaxLimit: r.tokenMaxLimit == null ? null : BigInt(r.tokenMaxLimit),
    tokenResetDuration: r.tokenResetDuration ?? null,
    tokenLastReset: start(r.tokenResetDuration),
    requestMaxLimit: r.requestMaxLimit == null ? null : BigInt(r.requestMaxLimit),
    requestResetDuration: r.requestResetDuration ?? null,
    requestLastReset: start(r.requestResetDuration),
    calendarAligned: ownerAligned,
  };
}

/** The budgets given on create: the SEED `budget` and the CURRENT `budgets[]` together. */
export function requestedBudgets(input: { budget?: BudgetInput | undefined; budgets?: BudgetInput[] | undefined }): BudgetInput[] {
  return [...(input.budget ? [input.budget] : []), ...(input.budgets ?? [])];
}

export async function createLimits(
  tx: Tx,
  owner: Owner,
  budgets: BudgetInput[],
  rateLimit: RateLimitInput | undefined,
  ownerAligned: boolean,
  now: Date,
): Promise<void> {
  if (budgets.length > 0) {
    await tx.budget.createMany({ data: budgets.map((b) => ({ ...newBudgetData(b, ownerAligned, now), ...owner })) });
  }
  if (rateLimit) await tx.rateLimit.create({ data: { ...newRateLimitData(rateLimit, now, ownerAligned), ...owner } });
}

/** An owner's budgets, shortest window first (an owner has at most one budget per window). */
export function byWindow<B extends { resetDuration: string }>(budgets: readonly B[]): B[] {
  return [...budgets].sort((a, b) => compareDurations(a.resetDuration, b.resetDuration));
}

/** The SEED profile's single `budget`: the owner's shortest window (Part 1 §1). */
export function primaryBudget<B extends { resetDuration: string }>(budgets: readonly B[]): B | undefined {
  return byWindow(budgets)[0];
}
