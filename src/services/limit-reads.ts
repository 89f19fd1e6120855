/**
 * Read-only lists of every budget and rate-limit row, whatever their owner (spec §2.8). Callable from
 * REST and GraphQL. Paging follows src/services/pagination.ts (no params → all rows; bad values → 400).
 * Usage is read from the database, which is the source of truth (Part 1 §10).
 */
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Budget, RateLimit } from "../generated/prisma/client.js";
import { listPage, parsePage, type Paged } from "./pagination.js";

export interface LimitListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
}

/** Every budget (any owner), created_at then id order. */
export async function listBudgets(_ctx: RequestContext, q: LimitListQuery): Promise<Paged<Budget>> {
  const page = parsePage(q, false);
  return listPage(page, (args) => db.budget.findMany(args), () => db.budget.count());
}

/** Every rate limit (any owner), created_at then id order. */
export async function listRateLimits(_ctx: RequestContext, q: LimitListQuery): Promise<Paged<RateLimit>> {
  const page = parsePage(q, false);
  return listPage(page, (args) => db.rateLimit.findMany(args), () => db.rateLimit.count());
}
