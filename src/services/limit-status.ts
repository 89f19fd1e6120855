/**
 * Status of budgets and rate-limit windows at an instant, as enforcement sees them (spec §3.3), for every read
 * (GraphQL fields, quota): a window that has
 * expired but has not been reset yet counts as fresh (usage 0); a budget's effective limit includes its
 * override. Pure: no I/O. Money in USD (decimal arithmetic, returned as numbers), counts as numbers.
 */
import { Prisma } from "../generated/prisma/client.js";
import { isExpired, nextResetAt, type ResetWindow } from "../lib/duration.js";

type Dec = Prisma.Decimal | number | string | { toString(): string };
const dec = (v: Dec) => new Prisma.Decimal(v.toString());

export interface BudgetRow {
  maxLimit: Dec;
  currentUsage: Dec;
  overrideAmount: Dec | null;
  overrideMode: string | null;
  overrideCyclesRemaining: number | null;
  resetDuration: string;
  calendarAligned: boolean;
  lastReset: Date;
}

export interface WindowStatus {
  /** The window ended and was not reset yet: it counts as fresh. */
  expired: boolean;
  /** Usage in the current window (0 when expired). */
  usage: number;
  /** What is left before the window blocks (never negative); null when the window has no limit. */
  remaining: number | null;
  /** usage / limit × 100 (may exceed 100); null when the window has no limit. */
  percentUsed: number | null;
  /** usage >= limit: the next request is blocked (Bifrost's rule). */
  exhausted: boolean;
  nextResetAt: Date | null;
}

export interface BudgetStatus extends WindowStatus {
  effectiveLimit: number;
  remaining: number;
  percentUsed: number;
}

function status(limit: Prisma.Decimal | null, current: Prisma.Decimal, window: ResetWindow, now: Date): WindowStatus {
  const expired = isExpired(window, now);
  const usage = expired ? new Prisma.Decimal(0) : current;
  return {
    expired,
    usage: usage.toNumber(),
    remaining: limit === null ? null : Prisma.Decimal.max(0, limit.minus(usage)).toNumber(),
    percentUsed: limit === null || limit.isZero() ? null : usage.div(limit).times(100).toDecimalPlaces(4).toNumber(),
    exhausted: limit !== null && usage.gte(limit),
    nextResetAt: nextResetAt(window, now),
  };
}

/**
 * max_limit + override_amount while the override applies. A "cycles" override on its last cycle lapses
 * when that window ends (enforcement decrements the cycles on the reset it observes).
 */
export function effectiveLimit(b: BudgetRow, now: Date): Prisma.Decimal {
  const expired = isExpired(budgetWindow(b), now);
  const lapses = expired && b.overrideMode === "cycles" && (b.overrideCyclesRemaining ?? 0) <= 1;
  return b.overrideAmount === null || lapses ? dec(b.maxLimit) : dec(b.maxLimit).plus(dec(b.overrideAmount));
}

const budgetWindow = (b: BudgetRow): ResetWindow => ({ duration: b.resetDuration, lastReset: b.lastReset, calendarAligned: b.calendarAligned });

export function budgetStatus(b: BudgetRow, now: Date): BudgetStatus {
  const limit = effectiveLimit(b, now);
  const s = status(limit, dec(b.currentUsage), budgetWindow(b), now);
  return { ...s, effectiveLimit: limit.toNumber(), remaining: s.remaining!, percentUsed: s.percentUsed ?? 0 };
}

export type RateKind = "token" | "request";

export interface RateLimitRow {
  tokenMaxLimit: bigint | null;
  tokenResetDuration: string | null;
  tokenCurrentUsage: bigint;
  tokenLastReset: Date;
  requestMaxLimit: bigint | null;
  requestResetDuration: string | null;
  requestCurrentUsage: bigint;
  requestLastReset: Date;
  calendarAligned: boolean;
}

/** One window (tokens or requests) of a rate limit; a window without a max never blocks. */
export function rateWindowStatus(r: RateLimitRow, kind: RateKind, now: Date): WindowStatus & { maxLimit: number | null; resetDuration: string | null } {
  const max = r[`${kind}MaxLimit`];
  const duration = r[`${kind}ResetDuration`];
  const window = { duration: duration ?? "", lastReset: r[`${kind}LastReset`], calendarAligned: r.calendarAligned };
  const s = status(max === null ? null : dec(max.toString()), dec(r[`${kind}CurrentUsage`].toString()), window, now);
  return { ...s, maxLimit: max === null ? null : Number(max), resetDuration: duration };
}

/** Spend in the current windows of these budgets (expired windows count 0), in USD. */
export function spendOf(budgets: readonly BudgetRow[], now: Date): number {
  return budgets.reduce((sum, b) => sum.plus(budgetStatus(b, now).usage), new Prisma.Decimal(0)).toNumber();
}

/** Any of these budgets is exhausted in an unexpired window. */
export function anyExhausted(budgets: readonly BudgetRow[], now: Date): boolean {
  return budgets.some((b) => budgetStatus(b, now).exhausted);
}
