/**
 * Read-only lists of every budget and rate-limit row, whatever their owner (spec §2.8). Callable from
 * REST and GraphQL. Paging follows src/services/pagination.ts (no params → all rows; bad values → 400).
 * Usage is read from the database, which is the source of truth (Part 1 §10).
 */
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Budget, RateLimit } from "../generated/prisma/client.js";
import { listOrder, pageArgs, parsePage, toPaged, type Paged } from "./pagination.js";

export interface LimitListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
}

/** Every budget (any owner), created_at then id order. */
export async function listBudgets(_ctx: RequestContext, q: LimitListQuery): Promise<Paged<Budget>> {
  const page = parsePage(q, false);
  const [items, total] = await Promise.all([
    db.budget.findMany({ orderBy: listOrder, ...pageArgs(page) }),
    page.paginated ? db.budget.count() : Promise.resolve(0),
  ]);
  return toPaged(items, total, page);
}

/** Every rate limit (any owner), created_at then id order. */
export async function listRateLimits(_ctx: RequestContext, q: LimitListQuery): Promise<Paged<RateLimit>> {
  const page = parsePage(q, false);
  const [items, total] = await Promise.all([
    db.rateLimit.findMany({ orderBy: listOrder, ...pageArgs(page) }),
    page.paginated ? db.rateLimit.count() : Promise.resolve(0),
  ]);
  return toPaged(items, total, page);
}
