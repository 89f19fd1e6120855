/**
 * Budget overrides (spec §6): temporary extra headroom on one budget, effective limit =
 * max_limit + override_amount (USD), either for `cycles` more reset windows or `forever`.
 * Callable from REST. Our scope rule: the budget must belong to the virtual key in the path, directly
 * or through one of its provider configs (we have no VK-scoped model configs); anything else is
 * 404 `Budget not found`. Enforcement (elsewhere) applies the override and counts cycles down.
 * The write is one statement whose WHERE re-checks ownership, so it cannot hit a foreign budget.
 */
import { z } from "zod";
import type { Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Budget, Prisma } from "../generated/prisma/client.js";
import { audited } from "./audit.js";
import { NotFoundError } from "./errors.js";
import { fail, isUuid, money, parseInput } from "./validation.js";

/** numeric(20,10) holds values below 1e10; Budget.overrideCyclesRemaining is an int4. */
const MAX_CYCLES = 2_147_483_647;

export const budgetOverrideSchema = z
  .strictObject({ amount: money.optional(), mode: z.string().optional(), cycles: z.number().optional() })
  .superRefine((v, ctx) => {
    if (v.amount === undefined) return fail(ctx, ["amount"], "amount is required");
    if (v.amount <= 0) return fail(ctx, ["amount"], `override amount must be greater than 0: ${v.amount}`);
    if (v.mode === undefined) return fail(ctx, ["mode"], "mode is required");
    if (v.mode !== "cycles" && v.mode !== "forever") return fail(ctx, ["mode"], `invalid override mode '${v.mode}': must be 'cycles' or 'forever'`);
    if (v.mode === "forever" && v.cycles !== undefined) return fail(ctx, ["cycles"], "cycles is only allowed when mode is 'cycles'");
    if (v.mode === "cycles") {
      if (v.cycles === undefined) return fail(ctx, ["cycles"], "cycles is required when mode is 'cycles'");
      if (!Number.isInteger(v.cycles) || v.cycles <= 0 || v.cycles > MAX_CYCLES) fail(ctx, ["cycles"], `cycles must be a positive integer: ${v.cycles}`);
    }
  });
export type BudgetOverrideInput = z.input<typeof budgetOverrideSchema>;

/** Budgets a key may override: its own and its provider configs'. */
const ownedBy = (virtualKeyId: string, id: string): Prisma.BudgetWhereInput => ({
  id,
  OR: [{ virtualKeyId }, { providerConfig: { virtualKeyId } }],
});

async function writeOverride(tx: Tx, vkId: string, budgetId: string, data: Prisma.BudgetUpdateManyMutationInput): Promise<Budget> {
  const vk = isUuid(vkId) ? await tx.virtualKey.findUnique({ where: { id: vkId }, select: { id: true } }) : null;
  if (!vk) throw new NotFoundError("Virtual key");
  const { count } = isUuid(budgetId) ? await tx.budget.updateMany({ where: ownedBy(vkId, budgetId), data }) : { count: 0 };
  if (count === 0) throw new NotFoundError("Budget");
  return tx.budget.findUniqueOrThrow({ where: { id: budgetId } });
}

/** Sets (or replaces) the override of a key's budget. 404 `Virtual key not found` / `Budget not found`. */
export async function setBudgetOverride(ctx: RequestContext, vkId: string, budgetId: string, input: unknown): Promise<Budget> {
  const v = parseInput(budgetOverrideSchema, input);
  const data = { overrideAmount: v.amount!, overrideMode: v.mode!, overrideCyclesRemaining: v.mode === "cycles" ? v.cycles! : null };
  return audited(ctx, { action: "set-override", entity: "Budget", id: budgetId }, (tx) => writeOverride(tx, vkId, budgetId, data));
}

/** Clears the override of a key's budget (idempotent for a budget without one). Same 404s. */
export async function clearBudgetOverride(ctx: RequestContext, vkId: string, budgetId: string): Promise<Budget> {
  const data = { overrideAmount: null, overrideMode: null, overrideCyclesRemaining: null };
  return audited(ctx, { action: "clear-override", entity: "Budget", id: budgetId }, (tx) => writeOverride(tx, vkId, budgetId, data));
}
