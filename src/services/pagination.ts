/**
 * Bifrost list paging (Part 1 §8): no paging params → every row; otherwise limit (default 25,
 * clamped to 1..100) and offset (≥ 0). Non-numeric or negative values are 400 on every list.
 */
import { findManyByIds } from "../db/json-select.js";
import { ValidationError } from "./errors.js";

export interface Page {
  paginated: boolean;
  limit: number;
  offset: number;
}

export interface Paged<T> {
  items: T[];
  totalCount: number;
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
/** Largest `limit`/`offset` accepted (PostgreSQL's OFFSET is a bigint; 2^63 and beyond failed in SQL). */
export const MAX_PAGE_NUMBER = 2_147_483_647;

function parseNumber(name: "limit" | "offset", raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw new ValidationError(`Invalid ${name} parameter: must be a number`, [{ path: [name], message: `Invalid ${name} parameter: must be a number` }]);
  const n = Number(raw.trim());
  if (n < 0) throw new ValidationError(`Invalid ${name} parameter: must be non-negative`, [{ path: [name], message: `Invalid ${name} parameter: must be non-negative` }]);
  if (n > MAX_PAGE_NUMBER) {
    const message = `Invalid ${name} parameter: must be at most ${MAX_PAGE_NUMBER}`;
    throw new ValidationError(message, [{ path: [name], message }]);
  }
  return n;
}

/** Parses raw query-string values; `filtered` is true when another list filter (search, ids) was given. */
export function parsePage(raw: { limit?: string | undefined; offset?: string | undefined }, filtered: boolean): Page {
  const limit = parseNumber("limit", raw.limit);
  const offset = parseNumber("offset", raw.offset);
  const paginated = filtered || limit !== undefined || offset !== undefined;
  return {
    paginated,
    limit: limit === undefined || limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT),
    offset: offset ?? 0,
  };
}

export const listOrder = [{ createdAt: "asc" as const }, { id: "asc" as const }];

/** Prisma skip/take for a page (undefined take = all rows). */
function pageArgs(page: Page): { skip?: number; take?: number } {
  return page.paginated ? { skip: page.offset, take: page.limit } : {};
}

/** Unpaginated lists report total_count = count = limit = len(items), offset 0 (Bifrost). */
export function toPaged<T>(items: T[], total: number, page: Page): Paged<T> {
  return page.paginated
    ? { items, totalCount: total, limit: page.limit, offset: page.offset }
    : { items, totalCount: items.length, limit: items.length, offset: 0 };
}

/** A page whose items are already JSON (an array, UTF-8 bytes) in the REST wire shape, with their number. */
export interface JsonPaged {
  items: Buffer;
  count: number;
  totalCount: number;
  limit: number;
  offset: number;
}

/** toPaged for a JSON page of `count` items. */
export function toJsonPaged(items: Buffer, count: number, total: number, page: Page): JsonPaged {
  return page.paginated
    ? { items, count, totalCount: total, limit: page.limit, offset: page.offset }
    : { items, count, totalCount: count, limit: count, offset: 0 };
}

/**
 * One page of a list in list order (created_at, id); the total is counted only when paginating
 * (unpaginated lists report their own length, as Bifrost does).
 */
export async function listPage<T>(
  page: Page,
  find: (args: { orderBy: typeof listOrder; skip?: number; take?: number }) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Paged<T>> {
  const [items, total] = await Promise.all([find({ orderBy: listOrder, ...pageArgs(page) }), page.paginated ? count() : Promise.resolve(0)]);
  return toPaged(items, total, page);
}

export interface ByIdQueries<T> {
  /** The page's ids in list order (Prisma `select: { id: true }` with the list's where). */
  ids(args: { orderBy: typeof listOrder; skip?: number; take?: number }): Promise<{ id: string }[]>;
  /** The same rows through Prisma (used when json-select cannot compile `include`). */
  rows(ids: string[]): Promise<T[]>;
  count(): Promise<number>;
}

/**
 * listPage for rows with nested relations: the page's ids first (an index scan, whatever the offset), then the
 * rows with `include` in one statement (src/db/json-select.ts), in page order. A deep offset no longer builds
 * the nested rows it skips (issue #13: offset 90,000 took ~29 s).
 */
export async function listPageByIds<T extends { id: string }>(page: Page, model: string, include: object, q: ByIdQueries<T>): Promise<Paged<T>> {
  const [ids, total] = await Promise.all([q.ids({ orderBy: listOrder, ...pageArgs(page) }), page.paginated ? q.count() : Promise.resolve(0)]);
  const wanted = ids.map((r) => r.id);
  const rows = wanted.length ? await findManyByIds<T>(model, { include }, wanted, () => q.rows(wanted)) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return toPaged(wanted.flatMap((id) => byId.get(id) ?? []), total, page);
}
