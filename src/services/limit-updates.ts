/**
 * Updates of one owner's budgets and rate limit (virtual key, provider config, team, customer).
 * Called only by the update services, inside their transaction (`tx`). Every check runs before the
 * first write; failures are ValidationErrors with Bifrost's bare texts (the caller adds
 * `Failed to update …: `). Money in USD, durations in the reset_duration grammar
 * (src/lib/duration.ts), time in UTC.
 *
 * - `budget` (SEED): `{}` removes the owner's budgets; otherwise it edits the primary budget (present
 *   fields overwrite, usage and last_reset are kept) or, when there is none, creates one (both
 *   max_limit and reset_duration needed).
 * - `budgets` (CURRENT, spec §6): reconcile by id, then by reset_duration. Matched rows keep usage and
 *   last_reset; unmatched entries are created with usage 0; unmatched rows are deleted; an unknown id
 *   is an error.
 * - `reset_budget_usage`: usage to 0, last_reset untouched.
 * - rate limit "merge" (keys and provider configs, §2.4: `{}` removes, otherwise present fields
 *   overwrite the existing row) or "replace" (teams and customers, §2.6: no max → removed, otherwise
 *   all four fields overwritten). The resulting row is always validated: bad input is never stored.
 */
import type { z } from "zod";
import type { Tx } from "../db/client.js";
import type { Budget, Prisma, RateLimit } from "../generated/prisma/client.js";
import { alignLastReset } from "../lib/duration.js";
import { newBudgetData, newRateLimitData, primaryBudget, type Owner } from "./limits.js";
import {
  BOTH_BUDGET_FIELDS_REQUIRED,
  checkBudgetPatch,
  checkNewBudget,
  checkRateLimit,
  fail,
  isEmptyObject,
  ownerBudgetMessages,
  runChecks,
  type BudgetInput,
  type BudgetMessages,
  type RateLimitInput,
} from "./validation.js";

type Ctx = z.core.$RefinementCtx;
type Path = (string | number)[];

export interface LimitChanges {
  budget?: BudgetInput | undefined;
  budgets?: BudgetInput[] | undefined;
  rateLimit?: RateLimitInput | undefined;
  resetBudgetUsage?: boolean | undefined;
}

export interface LimitTarget {
  owner: Owner;
  /** Names the owner in messages: "virtual key", "provider config", "team", "customer". */
  label: string;
  /** The owner's calendar_aligned after this update; new budgets inherit it. */
  aligned: boolean;
}

interface LimitOwner extends LimitTarget {
  budgets: Budget[];
  rateLimit: RateLimit | null;
}

export interface LimitOptions {
  rateLimitMode: "merge" | "replace";
  now: Date;
  /** Where the owner's fields sit in the request (issue paths). */
  path?: Path;
  messages?: BudgetMessages;
}

interface BudgetPlan {
  remove: string[];
  update: { row: Budget; patch: BudgetInput }[];
  create: BudgetInput[];
}

interface RateLimitValues {
  tokenMaxLimit: number | null;
  tokenResetDuration: string | null;
  requestMaxLimit: number | null;
  requestResetDuration: string | null;
}
type RateLimitPlan = { kind: "keep" } | { kind: "remove" } | { kind: "save"; values: RateLimitValues };

const RL_FIELDS = ["tokenMaxLimit", "tokenResetDuration", "requestMaxLimit", "requestResetDuration"] as const;
const NO_RATE_LIMIT: RateLimitValues = { tokenMaxLimit: null, tokenResetDuration: null, requestMaxLimit: null, requestResetDuration: null };
const duplicateWindow = (d: string) => `duplicate reset_duration in budgets: ${d}`;

function planNewBudget(ctx: Ctx, path: Path, b: BudgetInput, messages: BudgetMessages): void {
  if (b.maxLimit === undefined || b.resetDuration === undefined) fail(ctx, path, BOTH_BUDGET_FIELDS_REQUIRED);
  else checkNewBudget(ctx, path, b, messages);
}

function planSingleBudget(ctx: Ctx, o: LimitOwner, b: BudgetInput, path: Path, messages: BudgetMessages): BudgetPlan {
  const plan: BudgetPlan = { remove: [], update: [], create: [] };
  const { id: _ignored, ...fields } = b;
  if (isEmptyObject(fields)) return { ...plan, remove: o.budgets.map((r) => r.id) };
  const row = primaryBudget(o.budgets);
  if (!row) {
    planNewBudget(ctx, path, b, messages);
    return { ...plan, create: [b] };
  }
  checkBudgetPatch(ctx, path, b, messages);
  if (b.resetDuration !== undefined && o.budgets.some((r) => r.id !== row.id && r.resetDuration === b.resetDuration)) {
    fail(ctx, [...path, "resetDuration"], duplicateWindow(b.resetDuration));
  }
  return { ...plan, update: [{ row, patch: b }] };
}

function planBudgetList(ctx: Ctx, o: LimitOwner, list: BudgetInput[], path: Path, messages: BudgetMessages): BudgetPlan {
  const byId = new Map(o.budgets.map((r) => [r.id, r]));
  const matched = new Set<string>();
  list.forEach((b, i) => {
    if (b.id === undefined) return;
    if (!byId.has(b.id)) return fail(ctx, [...path, i, "id"], `budget ${b.id} does not belong to this ${o.label}`);
    if (matched.has(b.id)) return fail(ctx, [...path, i, "id"], `duplicate budget id in budgets: ${b.id}`);
    matched.add(b.id);
  });
  const plan: BudgetPlan = { remove: [], update: [], create: [] };
  list.forEach((b, i) => {
    const row = b.id !== undefined ? byId.get(b.id) : o.budgets.find((r) => r.resetDuration === b.resetDuration && !matched.has(r.id));
    if (row && b.id === undefined) matched.add(row.id);
    if (row) {
      checkBudgetPatch(ctx, [...path, i], b, messages);
      plan.update.push({ row, patch: b });
    } else if (b.id === undefined) {
      planNewBudget(ctx, [...path, i], b, messages);
      plan.create.push(b);
    }
  });
  plan.remove = o.budgets.filter((r) => !matched.has(r.id)).map((r) => r.id);
  const seen = new Set<string>();
  const windows = [...plan.update.map((u) => u.patch.resetDuration ?? u.row.resetDuration), ...plan.create.map((c) => c.resetDuration ?? "")];
  for (const d of windows) {
    if (seen.has(d)) {
      fail(ctx, path, duplicateWindow(d));
      break;
    }
    seen.add(d);
  }
  return plan;
}

function currentValues(r: RateLimit): RateLimitValues {
  return {
    tokenMaxLimit: r.tokenMaxLimit === null ? null : Number(r.tokenMaxLimit),
    tokenResetDuration: r.tokenResetDuration,
    requestMaxLimit: r.requestMaxLimit === null ? null : Number(r.requestMaxLimit),
    requestResetDuration: r.requestResetDuration,
  };
}

function planRateLimit(ctx: Ctx, existing: RateLimit | null, r: RateLimitInput, mode: LimitOptions["rateLimitMode"], path: Path): RateLimitPlan {
  const removal = mode === "merge" ? RL_FIELDS.every((k) => r[k] == null) : r.tokenMaxLimit == null && r.requestMaxLimit == null;
  if (removal) return { kind: "remove" };
  const base = mode === "merge" && existing ? currentValues(existing) : NO_RATE_LIMIT;
  const values: RateLimitValues = {
    tokenMaxLimit: r.tokenMaxLimit === undefined ? base.tokenMaxLimit : r.tokenMaxLimit,
    tokenResetDuration: r.tokenResetDuration === undefined ? base.tokenResetDuration : r.tokenResetDuration,
    requestMaxLimit: r.requestMaxLimit === undefined ? base.requestMaxLimit : r.requestMaxLimit,
    requestResetDuration: r.requestResetDuration === undefined ? base.requestResetDuration : r.requestResetDuration,
  };
  checkRateLimit(ctx, path, values);
  return { kind: "save", values };
}

function patchData(row: Budget, p: BudgetInput, now: Date): Prisma.BudgetUpdateInput {
  const data: Prisma.BudgetUpdateInput = {};
  if (p.maxLimit !== undefined) data.maxLimit = p.maxLimit;
  if (p.resetDuration !== undefined && p.resetDuration !== row.resetDuration) data.resetDuration = p.resetDuration;
  if (p.calendarAligned !== undefined && p.calendarAligned !== row.calendarAligned) {
    data.calendarAligned = p.calendarAligned;
    if (p.calendarAligned) data.lastReset = alignLastReset(p.resetDuration ?? row.resetDuration, now);
  }
  return data;
}

async function applyBudgetPlan(tx: Tx, o: LimitOwner, plan: BudgetPlan, now: Date): Promise<void> {
  if (plan.remove.length) await tx.budget.deleteMany({ where: { id: { in: plan.remove } } });
  const renamed = plan.update.filter((u) => u.patch.resetDuration !== undefined && u.patch.resetDuration !== u.row.resetDuration);
  // Renamed rows may swap windows: park them first so the (owner, reset_duration) index never sees two.
  if (renamed.length > 1) {
    for (const [i, u] of renamed.entries()) await tx.budget.update({ where: { id: u.row.id }, data: { resetDuration: `~${i}` } });
  }
  for (const u of plan.update) {
    const data = patchData(u.row, u.patch, now);
    if (Object.keys(data).length) await tx.budget.update({ where: { id: u.row.id }, data });
  }
  if (plan.create.length) {
    await tx.budget.createMany({ data: plan.create.map((b) => ({ ...newBudgetData(b, o.aligned, now), ...o.owner })) });
  }
}

async function applyRateLimitPlan(tx: Tx, o: LimitOwner, plan: RateLimitPlan, now: Date): Promise<void> {
  if (plan.kind === "keep") return;
  if (plan.kind === "remove") {
    await tx.rateLimit.deleteMany({ where: o.owner });
    return;
  }
  if (!o.rateLimit) {
    await tx.rateLimit.create({ data: { ...newRateLimitData(plan.values, now, o.aligned), ...o.owner } });
    return;
  }
  const v = plan.values;
  await tx.rateLimit.update({
    where: { id: o.rateLimit.id },
    data: {
      tokenMaxLimit: v.tokenMaxLimit === null ? null : BigInt(v.tokenMaxLimit),
      tokenResetDuration: v.tokenResetDuration,
      requestMaxLimit: v.requestMaxLimit === null ? null : BigInt(v.requestMaxLimit),
      requestResetDuration: v.requestResetDuration,
    },
  });
}

/**
 * Loads the owner's budgets and rate limit, checks every requested change, then writes them (see the
 * module rules). A no-op when `changes` holds no limit field.
 */
export async function updateLimits(tx: Tx, target: LimitTarget, changes: LimitChanges, opts: LimitOptions): Promise<void> {
  if (!changes.budget && !changes.budgets && !changes.rateLimit && !changes.resetBudgetUsage) return;
  const o: LimitOwner = {
    ...target,
    budgets: await tx.budget.findMany({ where: target.owner, orderBy: { createdAt: "asc" } }),
    rateLimit: await tx.rateLimit.findFirst({ where: target.owner }),
  };
  const path = opts.path ?? [];
  const messages = opts.messages ?? ownerBudgetMessages;
  const plans = runChecks((ctx) => ({
    budget: changes.budget
      ? planSingleBudget(ctx, o, changes.budget, [...path, "budget"], messages)
      : changes.budgets
        ? planBudgetList(ctx, o, changes.budgets, [...path, "budgets"], messages)
        : undefined,
    rateLimit: changes.rateLimit
      ? planRateLimit(ctx, o.rateLimit, changes.rateLimit, opts.rateLimitMode, [...path, "rateLimit"])
      : ({ kind: "keep" } as const),
  }));
  if (plans.budget) await applyBudgetPlan(tx, o, plans.budget, opts.now);
  // A reset starts a new generation: holds taken before it are not given back into the new window.
  if (changes.resetBudgetUsage) await tx.budget.updateMany({ where: o.owner, data: { currentUsage: 0, generation: { increment: 1 } } });
  await applyRateLimitPlan(tx, o, plans.rateLimit, opts.now);
}

/**
 * The owner's calendar_aligned flag changed: its budgets and rate limits follow (spec §3.5 CURRENT). Switched
 * on, each window keeps its usage and adopts the current calendar period (last_reset = period start, UTC;
 * Part 1 §11) — the same generation, so holds in flight are still given back; switched off, last_reset stays
 * and the window rolls from there. Call before updateLimits.
 */
export async function alignLimits(tx: Tx, where: Prisma.BudgetWhereInput & Prisma.RateLimitWhereInput, aligned: boolean, now: Date): Promise<void> {
  if (!aligned) {
    await tx.budget.updateMany({ where: { AND: [where, { calendarAligned: true }] }, data: { calendarAligned: false } });
    await tx.rateLimit.updateMany({ where: { AND: [where, { calendarAligned: true }] }, data: { calendarAligned: false } });
    return;
  }
  const rows = await tx.budget.findMany({ where: { AND: [where, { calendarAligned: false }] }, select: { id: true, resetDuration: true } });
  for (const b of rows) {
    await tx.budget.update({ where: { id: b.id }, data: { calendarAligned: true, lastReset: alignLastReset(b.resetDuration, now) } });
  }
  const limits = await tx.rateLimit.findMany({
    where: { AND: [where, { calendarAligned: false }] },
    select: { id: true, tokenResetDuration: true, tokenLastReset: true, requestResetDuration: true, requestLastReset: true },
  });
  for (const r of limits) {
    await tx.rateLimit.update({
      where: { id: r.id },
      data: {
        calendarAligned: true,
        tokenLastReset: r.tokenResetDuration ? alignLastReset(r.tokenResetDuration, now) : r.tokenLastReset,
        requestLastReset: r.requestResetDuration ? alignLastReset(r.requestResetDuration, now) : r.requestLastReset,
      },
    });
  }
}
