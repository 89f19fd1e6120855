/**
 * Provider governance (spec §1.8, §2.9): budgets and a rate limit on a whole provider, applied to every
 * request that provider serves. Callable from REST. The provider must be configured (a Provider row,
 * created through /api/providers); otherwise 404 `Provider not found`. Money in USD.
 */
import { z } from "zod";
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { audited } from "./audit.js";
import { NotFoundError } from "./errors.js";
import { updateLimits } from "./limit-updates.js";
import { BUDGET_AND_BUDGETS, budgetCreateShape, fail, parseInput, rateLimitShape, updateFailure } from "./validation.js";
import { safeArg } from "./text.js";
import { lockRow } from "./row-locks.js";

export const providerGovernanceInclude = {
  budgets: { orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }] },
  rateLimit: true,
} as const satisfies Prisma.ProviderInclude;
export type ProviderGovernanceRow = Prisma.ProviderGetPayload<{ include: typeof providerGovernanceInclude }>;

export const updateProviderGovernanceSchema = z
  .strictObject({
    budget: budgetCreateShape.optional(),
    budgets: z.array(budgetCreateShape).optional(),
    resetBudgetUsage: z.boolean().optional(),
    rateLimit: rateLimitShape.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.budget && v.budgets) fail(ctx, ["budgets"], BUDGET_AND_BUDGETS);
  });

/** Providers that have a budget or a rate limit, by name (the others are not listed, as in Bifrost). */
export async function listProviderGovernance(_ctx: RequestContext): Promise<ProviderGovernanceRow[]> {
  return db.provider.findMany({
    where: { OR: [{ budgets: { some: {} } }, { rateLimit: { isNot: null } }] },
    include: providerGovernanceInclude,
    orderBy: { name: "asc" },
  });
}

/**
 * Sets a provider's budgets and rate limit in one transaction. Budgets follow the VK rules (creating
 * one needs max_limit and reset_duration); the rate limit is replaced as a whole (team rule: no max
 * given → removed). 404 first; later client mistakes are 400 `Failed to update provider governance: …`.
 */
export async function updateProviderGovernance(ctx: RequestContext, name: string, input: unknown): Promise<ProviderGovernanceRow> {
  safeArg(name, "provider name");
  const v = parseInput(updateProviderGovernanceSchema, input);
  const now = ctx.now();
  return audited(ctx, { action: "update", entity: "ProviderGovernance", id: name }, async (tx) => {
      if (!(await lockRow(tx, "Provider", name))) throw new NotFoundError("Provider");
      await updateLimits(tx, { owner: { providerName: name }, label: "provider", aligned: false }, v, { rateLimitMode: "replace", now });
      return tx.provider.findUniqueOrThrow({ where: { name }, include: providerGovernanceInclude });
    }).catch(updateFailure("Failed to update provider governance: "));
}

/** Removes every budget and the rate limit of a provider (the provider itself stays); 404 when unknown. */
export async function deleteProviderGovernance(ctx: RequestContext, name: string): Promise<void> {
  safeArg(name, "provider name");
  await audited(ctx, { action: "delete", entity: "ProviderGovernance", id: name }, async (tx) => {
    if (!(await lockRow(tx, "Provider", name))) throw new NotFoundError("Provider");
    await tx.budget.deleteMany({ where: { providerName: name } });
    await tx.rateLimit.deleteMany({ where: { providerName: name } });
  });
}
