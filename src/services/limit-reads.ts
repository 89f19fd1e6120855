/**
 * Read-only lists of every budget and rate-limit row, whatever their owner (spec §2.8). Callable from
 * REST and GraphQL. Paging follows src/services/pagination.ts (no params → all rows; bad values → 400).
 * Usage is read from the database, which is the source of truth (Part 1 §10).
 */
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { authorizeCtx, customerScope } from "./access.js";
import type { Budget, RateLimit } from "../generated/prisma/client.js";
import { listPage, parsePage, type Paged } from "./pagination.js";

export interface LimitListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
}

/** Every budget (any owner), created_at then id order. */
export async function listBudgets(ctx: RequestContext, q: LimitListQuery): Promise<Paged<Budget>> {
  authorizeCtx(ctx, "read", { type: "limits" });
  const page = parsePage(q, false);
  const where = ownedWhere(customerScope(ctx));
  return listPage(page, (args) => db.budget.findMany({ where, ...args }), () => db.budget.count({ where }));
}

/** Every rate limit (any owner), created_at then id order. */
export async function listRateLimits(ctx: RequestContext, q: LimitListQuery): Promise<Paged<RateLimit>> {
  authorizeCtx(ctx, "read", { type: "limits" });
  const page = parsePage(q, false);
  const where = ownedWhere(customerScope(ctx)) as Prisma.RateLimitWhereInput;
  return listPage(page, (args) => db.rateLimit.findMany({ where, ...args }), () => db.rateLimit.count({ where }));
}

/** For a customer-admin: the rows of its customer, its teams, their keys and those keys' provider configs. */
function ownedWhere(customerId: string | undefined): Prisma.BudgetWhereInput {
  if (!customerId) return {};
  const vk = { OR: [{ customerId }, { team: { customerId } }] };
  return { OR: [{ customerId }, { team: { customerId } }, { virtualKey: vk }, { providerConfig: { virtualKey: vk } }] };
}
