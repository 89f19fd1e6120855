/**
 * Customers: the top of the hierarchy. Callable from REST and GraphQL; every write runs in one
 * transaction together with the customer's budgets and rate limit.
 */
import { z } from "zod";
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { authorizeCtx, scopeWhere } from "./access.js";
import { audited } from "./audit.js";
import { ConflictError, DUPLICATE_NAME_MESSAGE, NotFoundError } from "./errors.js";
import { alignLimits, updateLimits } from "./limit-updates.js";
import { createLimits, requestedBudgets } from "./limits.js";
import { listPageByIds, parsePage, type Paged } from "./pagination.js";
import { rethrowUniqueName } from "./prisma-errors.js";
import { customerInclude, type CustomerRow } from "./shapes.js";
import {
  BUDGET_AND_BUDGETS,
  budgetCreateShape,
  checkBudgetList,
  checkNewBudget,
  checkRateLimit,
  fail,
  isUuid,
  parseInput,
  rateLimitShape,
  updateFailure,
} from "./validation.js";
import { likeLiteral, text } from "./text.js";
import { lockRow } from "./row-locks.js";

/** Optional contact address: null or "" clears it on update. */
const email = z
  .string()
  .trim()
  .max(320)
  .nullable()
  .optional()
  .transform((v) => (v === undefined ? undefined : v === null || v === "" ? null : v.toLowerCase()))
  .refine((v) => v == null || z.email().safeParse(v).success, { message: "invalid email address" });

export const createCustomerSchema = z
  .strictObject({
    name: text().optional(),
    email,
    budget: budgetCreateShape.optional(),
    budgets: z.array(budgetCreateShape).optional(),
    rateLimit: rateLimitShape.optional(),
    calendarAligned: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.name?.trim()) return fail(ctx, ["name"], "Customer name is required");
    if (v.budget) checkNewBudget(ctx, ["budget"], v.budget);
    if (v.budgets) checkBudgetList(ctx, ["budgets"], v.budgets);
    if (v.rateLimit) checkRateLimit(ctx, ["rateLimit"], v.rateLimit, "Invalid rate limit: ");
  });
export type CreateCustomerInput = z.input<typeof createCustomerSchema>;

/** Creates a customer with its budgets and rate limit; duplicate names are a ConflictError. */
export async function createCustomer(ctx: RequestContext, input: unknown): Promise<CustomerRow> {
  const v = parseInput(createCustomerSchema, input);
  const now = ctx.now();
  const id = await audited(ctx, { action: "create", entity: "Customer", idOf: (id: string) => id }, async (tx) => {
      const c = await tx.customer.create({ data: { name: v.name!.trim(), email: v.email ?? null, calendarAligned: v.calendarAligned ?? false } });
      await createLimits(tx, { customerId: c.id }, requestedBudgets(v), v.rateLimit, c.calendarAligned, now);
      return c.id;
    }).catch(rethrowUniqueName);
  return getCustomer(ctx, id);
}

export async function getCustomer(ctx: RequestContext, id: string): Promise<CustomerRow> {
  authorizeCtx(ctx, "read", { type: "customer" });
  const row = isUuid(id) ? await db.customer.findFirst({ where: { AND: [{ id }, scopeWhere.customer(ctx)] }, include: customerInclude }) : null;
  if (!row) throw new NotFoundError("Customer");
  return row;
}

export interface CustomerListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  search?: string | undefined;
}

/** Lists customers (created_at, id order); `search` is a case-insensitive substring of the name. */
export async function listCustomers(ctx: RequestContext, q: CustomerListQuery): Promise<Paged<CustomerRow>> {
  authorizeCtx(ctx, "read", { type: "customer" });
  const page = parsePage(q, Boolean(q.search));
  const where = { ...scopeWhere.customer(ctx), ...(q.search ? { name: { contains: likeLiteral(q.search), mode: "insensitive" as const } } : {}) };
  return listPageByIds(page, "Customer", customerInclude, {
    ids: (args) => db.customer.findMany({ where, select: { id: true }, ...args }),
    rows: (ids) => db.customer.findMany({ where: { id: { in: ids } }, include: customerInclude }),
    count: () => db.customer.count({ where }),
  });
}

export const updateCustomerSchema = z
  .strictObject({
    name: text().optional(),
    email,
    budget: budgetCreateShape.optional(),
    budgets: z.array(budgetCreateShape).optional(),
    resetBudgetUsage: z.boolean().optional(),
    rateLimit: rateLimitShape.optional(),
    calendarAligned: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.name !== undefined && !v.name.trim()) return fail(ctx, ["name"], "Customer name is required");
    if (v.budget && v.budgets) fail(ctx, ["budgets"], BUDGET_AND_BUDGETS);
  });
export type UpdateCustomerInput = z.input<typeof updateCustomerSchema>;

/**
 * Updates a customer in one transaction, with the team rules (spec §2.7): budgets as on keys, the
 * rate limit replaced as a whole. 404 `Customer not found`; later client mistakes are 400
 * `Failed to update customer: <reason>`.
 */
export async function updateCustomer(ctx: RequestContext, id: string, input: unknown): Promise<CustomerRow> {
  const v = parseInput(updateCustomerSchema, input);
  const now = ctx.now();
  await audited(ctx, { action: "update", entity: "Customer", id }, async (tx) => {
      const current = isUuid(id) && (await lockRow(tx, "Customer", id)) ? await tx.customer.findUnique({ where: { id }, select: { calendarAligned: true } }) : null;
      if (!current) throw new NotFoundError("Customer");
      const data: Prisma.CustomerUpdateInput = {};
      if (v.name !== undefined) {
        const name = v.name.trim();
        if (await tx.customer.findFirst({ where: { name, NOT: { id } }, select: { id: true } })) throw new ConflictError(DUPLICATE_NAME_MESSAGE);
        data.name = name;
      }
      if (v.calendarAligned !== undefined) data.calendarAligned = v.calendarAligned;
      if (v.email !== undefined) data.email = v.email;
      if (Object.keys(data).length) await tx.customer.update({ where: { id }, data });
      const aligned = v.calendarAligned ?? current.calendarAligned;
      if (aligned !== current.calendarAligned) await alignLimits(tx, { customerId: id }, aligned, now);
      await updateLimits(tx, { owner: { customerId: id }, label: "customer", aligned }, v, { rateLimitMode: "replace", now });
    }).catch(updateFailure("Failed to update customer: "));
  return getCustomer(ctx, id);
}

/**
 * Deletes a customer (404 first): its keys and teams survive detached (customer_id null), its budgets
 * and rate limit go (FK cascades), all in one statement.
 */
export async function deleteCustomer(ctx: RequestContext, id: string): Promise<void> {
  await audited(ctx, { action: "delete", entity: "Customer", id }, async (tx) => {
    const { count } = isUuid(id) ? await tx.customer.deleteMany({ where: { id } }) : { count: 0 };
    if (count === 0) throw new NotFoundError("Customer");
  });
}
