/**
 * Teams: belong to at most one customer; own budgets and a rate limit. Callable from REST and
 * GraphQL; each write is one transaction.
 */
import { z } from "zod";
import { db, type Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { authorizeCtx, customerScope, scopeWhere } from "./access.js";
import { audited } from "./audit.js";
import { ConflictError, DUPLICATE_NAME_MESSAGE, NotFoundError, ValidationError } from "./errors.js";
import { alignLimits, updateLimits } from "./limit-updates.js";
import { createLimits, requestedBudgets } from "./limits.js";
import { listPageByIds, parsePage, toPaged, type Paged } from "./pagination.js";
import { rethrowUniqueName } from "./prisma-errors.js";
import { teamInclude, type TeamRow } from "./shapes.js";
import {
  BUDGET_AND_BUDGETS,
  budgetCreateShape,
  checkBudgetList,
  checkNewBudget,
  checkRateLimit,
  fail,
  isUuid,
  ownerRef,
  parseInput,
  rateLimitShape,
  updateFailure,
} from "./validation.js";
import { likeLiteral, text } from "./text.js";
import { lockRow } from "./row-locks.js";

export const createTeamSchema = z
  .strictObject({
    name: text().optional(),
    customerId: ownerRef,
    budget: budgetCreateShape.optional(),
    budgets: z.array(budgetCreateShape).optional(),
    rateLimit: rateLimitShape.optional(),
    calendarAligned: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.name?.trim()) return fail(ctx, ["name"], "Team name is required");
    if (v.budget) checkNewBudget(ctx, ["budget"], v.budget);
    if (v.budgets) checkBudgetList(ctx, ["budgets"], v.budgets);
    if (v.rateLimit) checkRateLimit(ctx, ["rateLimit"], v.rateLimit, "Invalid rate limit: ");
  });
export type CreateTeamInput = z.input<typeof createTeamSchema>;

/** A referenced customer must exist (400 naming it, Part 1 §2). */
/** The customer exists and the caller may address it (another customer's id reads as absent for a customer-admin). */
export async function assertCustomerExists(ctx: RequestContext, tx: Tx, id: string, path: string[] = ["customerId"]): Promise<void> {
  const found = isUuid(id) ? await tx.customer.findFirst({ where: { id, ...scopeWhere.customer(ctx) }, select: { id: true } }) : null;
  if (!found) throw new ValidationError(`Customer not found: ${id}`, [{ path, message: `Customer not found: ${id}` }]);
}

export async function createTeam(ctx: RequestContext, input: unknown): Promise<TeamRow> {
  const v = parseInput(createTeamSchema, input);
  const now = ctx.now();
  const customerId = v.customerId ?? customerScope(ctx) ?? null; // a customer-admin's team belongs to its customer
  const id = await audited(ctx, { action: "create", entity: "Team", idOf: (id: string) => id }, async (tx) => {
      if (customerId) await assertCustomerExists(ctx, tx, customerId);
      const t = await tx.team.create({
        data: { name: v.name!.trim(), customerId, calendarAligned: v.calendarAligned ?? false },
      });
      await createLimits(tx, { teamId: t.id }, requestedBudgets(v), v.rateLimit, t.calendarAligned, now);
      return t.id;
    }).catch(rethrowUniqueName);
  return getTeam(ctx, id);
}

export async function getTeam(ctx: RequestContext, id: string): Promise<TeamRow> {
  authorizeCtx(ctx, "read", { type: "team" });
  const row = isUuid(id) ? await db.team.findFirst({ where: { id, ...scopeWhere.team(ctx) }, include: teamInclude }) : null;
  if (!row) throw new NotFoundError("Team");
  return row;
}

export interface TeamListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  search?: string | undefined;
  customerId?: string | undefined;
}

/** Lists teams; `customerId` filters exactly, `search` matches the name case-insensitively. */
export async function listTeams(ctx: RequestContext, q: TeamListQuery): Promise<Paged<TeamRow>> {
  authorizeCtx(ctx, "read", { type: "team" });
  const page = parsePage(q, Boolean(q.search));
  if (q.customerId && !isUuid(q.customerId)) return toPaged([], 0, page);
  const where = {
    ...scopeWhere.team(ctx),
    ...(q.customerId ? { AND: [{ customerId: q.customerId }] } : {}),
    ...(q.search ? { name: { contains: likeLiteral(q.search), mode: "insensitive" as const } } : {}),
  };
  return listPageByIds(page, "Team", teamInclude, {
    ids: (args) => db.team.findMany({ where, select: { id: true }, ...args }),
    rows: (ids) => db.team.findMany({ where: { id: { in: ids } }, include: teamInclude }),
    count: () => db.team.count({ where }),
  });
}

export const updateTeamSchema = z
  .strictObject({
    name: text().optional(),
    customerId: ownerRef,
    budget: budgetCreateShape.optional(),
    budgets: z.array(budgetCreateShape).optional(),
    resetBudgetUsage: z.boolean().optional(),
    rateLimit: rateLimitShape.optional(),
    calendarAligned: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.name !== undefined && !v.name.trim()) return fail(ctx, ["name"], "Team name is required");
    if (v.budget && v.budgets) fail(ctx, ["budgets"], BUDGET_AND_BUDGETS);
  });
export type UpdateTeamInput = z.input<typeof updateTeamSchema>;

/**
 * Updates a team in one transaction. `customer_id`: absent keeps, `""`/null detaches, a value attaches
 * (it must exist). Budgets follow the VK rules; the rate limit is replaced as a whole (spec §2.6: no
 * max given → removed). 404 `Team not found`; later client mistakes are 400
 * `Failed to update team: <reason>` (Bifrost answers a bare 500 there).
 */
export async function updateTeam(ctx: RequestContext, id: string, input: unknown): Promise<TeamRow> {
  const v = parseInput(updateTeamSchema, input);
  const now = ctx.now();
  await audited(ctx, { action: "update", entity: "Team", id }, async (tx) => {
      const current = isUuid(id) && (await lockRow(tx, "Team", id)) ? await tx.team.findUnique({ where: { id }, select: { calendarAligned: true } }) : null;
      if (!current) throw new NotFoundError("Team");
      const data: Prisma.TeamUncheckedUpdateInput = {};
      if (v.name !== undefined) {
        const name = v.name.trim();
        if (await tx.team.findFirst({ where: { name, NOT: { id } }, select: { id: true } })) throw new ConflictError(DUPLICATE_NAME_MESSAGE);
        data.name = name;
      }
      if (v.customerId) await assertCustomerExists(ctx, tx, v.customerId);
      if (v.customerId !== undefined) data.customerId = v.customerId;
      if (v.calendarAligned !== undefined) data.calendarAligned = v.calendarAligned;
      if (Object.keys(data).length) await tx.team.update({ where: { id }, data });
      const aligned = v.calendarAligned ?? current.calendarAligned;
      if (aligned !== current.calendarAligned) await alignLimits(tx, { teamId: id }, aligned, now);
      await updateLimits(tx, { owner: { teamId: id }, label: "team", aligned }, v, { rateLimitMode: "replace", now });
    }).catch(updateFailure("Failed to update team: "));
  return getTeam(ctx, id);
}

/** Deletes a team (404 first): its keys survive detached (team_id null), its budgets and rate limit go (FK cascades). */
export async function deleteTeam(ctx: RequestContext, id: string): Promise<void> {
  await audited(ctx, { action: "delete", entity: "Team", id }, async (tx) => {
    const { count } = isUuid(id) ? await tx.team.deleteMany({ where: { id } }) : { count: 0 };
    if (count === 0) throw new NotFoundError("Team");
  });
}
