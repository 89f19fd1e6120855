/**
 * Keyset pagination for the top-level lists (customers, teams, virtualKeys) under any sort, including the
 * computed `SPEND`. One SQL statement returns the page's ids with their sort values, the total count (only when
 * selected), whether rows exist on the other side of the cursor and, given the node's SQL (src/db/json-select.ts
 * compile(): the nested selection plugin-prisma derives from the query), every node as JSON. Cursors are opaque: base64url of
 * [field, direction, sortValue, id]; a cursor from another sort is rejected.
 * Spend and "over budget" are reset-aware: a budget whose window ended (and was not reset) counts 0.
 */
import { Prisma } from "../generated/prisma/client.js";
import { rawSql } from "../db/client.js";
import { ValidationError } from "../services/errors.js";
import { likeLiteral, MAX_PROVIDER, safeArg } from "../services/text.js";
import { isUuid } from "../services/validation.js";
import { expiryThreshold } from "../lib/duration.js";
import { pageSize } from "./complexity.js";

export type Entity = "Customer" | "Team" | "VirtualKey";
export type SortField = "NAME" | "CREATED_AT" | "SPEND";
export type Direction = "ASC" | "DESC";

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

export interface ListFilter {
  search?: string | null | undefined;
  teamId?: string | null | undefined;
  customerId?: string | null | undefined;
  isActive?: boolean | null | undefined;
  provider?: string | null | undefined;
  overBudget?: boolean | null | undefined;
  email?: string | null | undefined;
  /** Only rows of this customer (a customer-admin's lists; services/access.ts customerScope). */
  scope?: string | undefined;
}

/** What the page statement builds per row besides its id and cursor (the compiled reads, src/graphql/compiled/). */
export interface PageShape {
  /** SQL of each row's node over the row aliased `t0` (json-select compile()), returned in `nodes`. */
  node?: string | undefined;
  /**
   * SQL of each row's whole edge as JSON text over the row aliased `t0`, given the SQL that stands for its cursor
   * (to be put inside a JSON string): the page's edges then come back as ONE JSON array text in `edges`, in
   * answer order, which no one parses; `ids` and `nodes` stay empty and `cursors` holds every cursor.
   */
  edge?: ((cursor: string) => string) | undefined;
}

export interface KeysetPage {
  /** Empty when the page was built as `edges`. */
  ids: string[];
  /** Each row's node as the `node` SQL expression built it (empty without `node`). */
  nodes: unknown[];
  cursors: string[];
  /** The edges' JSON array text (PageShape.edge). */
  edges?: string;
  totalCount: number | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

const OWNER_COLUMN: Record<Entity, string> = { Customer: "customerId", Team: "teamId", VirtualKey: "virtualKeyId" };
const SV_TYPE: Record<SortField, string> = { NAME: "text", CREATED_AT: "timestamptz", SPEND: "numeric" };

const invalid = (message: string, field: string) => new ValidationError(message, [{ path: [field], message }]);

/** JSON.stringify([field, dir, sv, id]) built as a string (no array per row; field and dir need no escaping, ids are UUIDs). */
function encodeCursor(field: SortField, dir: Direction, sv: string, id: string): string {
  return encodeCursorJson(field, dir, JSON.stringify(sv), id);
}

/** encodeCursor of a sort value given as its JSON string text. */
const encodeCursorJson = (field: SortField, dir: Direction, svJson: string, id: string) => Buffer.from(`["${field}","${dir}",${svJson},"${id}"]`).toString("base64url");

/**
 * Where a row's cursor goes in an edge built by PostgreSQL (PageShape.edge): U+0001, the sort value as a JSON
 * string (to_json escapes a text as JSON.stringify does), U+0002, the id, U+0001. JSON text never holds a raw
 * control character, so splitting the page's text at U+0001 finds exactly these; they are replaced by the cursor.
 */
const CURSOR_MARK = "\u0001";
const cursorMarkSql = (field: SortField) => `chr(1) || to_json(${svText(field)})::text || chr(2) || t0.id::text || chr(1)`;

/**
 * The edges' text with each cursor mark replaced by its cursor; the cursors in order. Every cursor's JSON is
 * written into one buffer and each cursor is a base64url slice of it (no Buffer per row).
 */
function withCursors(text: string, field: SortField, dir: Direction): { edges: string; cursors: string[] } {
  const parts = text.split(CURSOR_MARK);
  const prefix = `["${field}","${dir}",`;
  const buffer = Buffer.allocUnsafe(3 * text.length + (prefix.length + 4) * parts.length);
  const cursors: string[] = [];
  let end = 0;
  for (let i = 1; i < parts.length; i += 2) {
    const mark = parts[i]!;
    const cut = mark.indexOf("\u0002");
    const start = end;
    end += buffer.write(`${prefix}${mark.slice(0, cut)},"${mark.slice(cut + 1)}"]`, end);
    cursors.push((parts[i] = buffer.toString("base64url", start, end)));
  }
  return { edges: parts.join(""), cursors };
}

function decodeCursor(cursor: string, field: SortField, dir: Direction, arg: string): { sv: string; id: string } {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parts = null;
  }
  if (!Array.isArray(parts) || parts.length !== 4 || typeof parts[2] !== "string" || typeof parts[3] !== "string" || !isUuid(parts[3])) {
    throw invalid(`Invalid cursor in ${arg}`, arg);
  }
  if (parts[0] !== field || parts[1] !== dir) throw invalid(`The cursor in ${arg} belongs to another sort order`, arg);
  return { sv: parts[2], id: parts[3] };
}

/** Live (unexpired) budget rows of the aliased `b`, joined to the per-window expiry thresholds `win`. */
const LIVE = Prisma.sql`(w.t IS NULL OR b."lastReset" >= w.t)`;
const EFFECTIVE_LIMIT = Prisma.sql`b."maxLimit" + COALESCE(b."overrideAmount", 0)`;

function budgetsOf(entity: Entity, body: Prisma.Sql): Prisma.Sql {
  const owner = Prisma.raw(`b."${OWNER_COLUMN[entity]}"`);
  return Prisma.sql`FROM "Budget" b LEFT JOIN win w ON w.d = b."resetDuration" AND w.a = b."calendarAligned" WHERE ${owner} = t.id ${body}`;
}

/** Expiry threshold of every (resetDuration, calendarAligned) pair in use: a window expired when lastReset < t. */
async function windowsCte(now: Date): Promise<Prisma.Sql> {
  const pairs = await rawSql.query<{ d: string; a: boolean }>(`SELECT DISTINCT "resetDuration" AS d, "calendarAligned" AS a FROM "Budget"`, []);
  const rows = pairs.map((p) => Prisma.sql`(${p.d}::text, ${p.a}::boolean, ${expiryThreshold({ duration: p.d, calendarAligned: p.a }, now)}::timestamptz)`);
  return rows.length
    ? Prisma.sql`win(d, a, t) AS (VALUES ${Prisma.join(rows)}),`
    : Prisma.sql`win(d, a, t) AS (SELECT NULL::text, NULL::boolean, NULL::timestamptz WHERE false),`;
}

function filters(entity: Entity, f: ListFilter): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (f.search) where.push(Prisma.sql`t.name ILIKE ${`%${likeLiteral(f.search)}%`}`);
  if (f.teamId && entity === "VirtualKey") where.push(Prisma.sql`t."teamId" = ${f.teamId}::uuid`);
  if (f.customerId && entity === "Team") where.push(Prisma.sql`t."customerId" = ${f.customerId}::uuid`);
  if (f.customerId && entity === "VirtualKey") where.push(keysOfCustomer(f.customerId));
  if (f.email && entity === "Customer") where.push(Prisma.sql`t.email = ${safeArg(f.email, "email filter").trim().toLowerCase()}`);
  if (f.isActive != null && entity === "VirtualKey") where.push(Prisma.sql`t."isActive" = ${f.isActive}`);
  if (f.provider && entity === "VirtualKey") where.push(Prisma.sql`EXISTS (SELECT 1 FROM "ProviderConfig" pc WHERE pc."virtualKeyId" = t.id AND pc.provider = ${safeArg(f.provider, "provider filter", MAX_PROVIDER)})`);
  if (f.overBudget != null) {
    const over = Prisma.sql`EXISTS (SELECT 1 ${budgetsOf(entity, Prisma.sql`AND ${LIVE} AND b."currentUsage" >= ${EFFECTIVE_LIMIT}`)})`;
    where.push(f.overBudget ? over : Prisma.sql`NOT ${over}`);
  }
  return where;
}

/** The rows of the caller's customer only (a customer-admin). */
function scoped(entity: Entity, scope: string | undefined): Prisma.Sql[] {
  if (!scope) return [];
  if (entity === "Customer") return [Prisma.sql`t.id = ${scope}::uuid`];
  if (entity === "Team") return [Prisma.sql`t."customerId" = ${scope}::uuid`];
  return [keysOfCustomer(scope)];
}

/**
 * How many keys an unfiltered list has (the caller's customer, or all): read from the maintained counts
 * (VirtualKeyCount, migration 20261130082151: a scope's rows summed; a customer's scope is its own row plus its
 * teams'), as the REST list's total_count is (services/virtual-keys.ts), instead of counting every key.
 */
function maintainedKeyCount(scope: string | undefined): Prisma.Sql {
  const scopes = scope
    ? Prisma.sql`vc.scope = ANY (ARRAY(SELECT 'team:' || st.id FROM "Team" st WHERE st."customerId" = ${scope}::uuid UNION ALL SELECT 'customer:' || ${scope}::uuid))`
    : Prisma.sql`vc.scope = '*'`;
  return Prisma.sql`(SELECT COALESCE(sum(vc.n), 0)::int FROM "VirtualKeyCount" vc WHERE ${scopes})`;
}

/**
 * Keys attached to the customer directly or through one of its teams. The teams' ids as an array (= ANY, not
 * IN (SELECT …)) let PostgreSQL combine the customerId and teamId indexes: the cost follows the customer's keys,
 * not the table (EXPLAIN at 100k keys, a customer of 100 keys: first page 84 → 0.36 ms, its count 38 → 0.26 ms;
 * IN (SELECT …) walked the whole (createdAt, id) index, the count scanned the table).
 */
function keysOfCustomer(customer: string): Prisma.Sql {
  return Prisma.sql`(t."customerId" = ${customer}::uuid OR t."teamId" = ANY (ARRAY(SELECT id FROM "Team" WHERE "customerId" = ${customer}::uuid)))`;
}

function sortValue(entity: Entity, field: SortField): Prisma.Sql {
  if (field === "NAME") return Prisma.sql`t.name::text`;
  if (field === "CREATED_AT") return Prisma.sql`t."createdAt"`;
  return Prisma.sql`(SELECT COALESCE(SUM(CASE WHEN ${LIVE} THEN b."currentUsage" ELSE 0 END), 0) ${budgetsOf(entity, Prisma.empty)})`;
}

/**
 * At most this many keyset statement texts (sort × cursor × totalCount × the node's selection) are prepared per
 * process; later ones run unnamed, so a client varying its selections cannot fill PostgreSQL's memory with plans.
 */
export const MAX_PREPARED = 50;
const prepared = new Map<string, string>();

/**
 * The name a page statement is prepared under (PostgreSQL parses and plans it once per connection, then reuses
 * the plan; measured at 10k keys: 0.46 against 0.54–0.61 ms of backend CPU per first page). Filtered pages
 * (search, provider, …) run unnamed: a generic plan cannot see how selective a search pattern is. The customer
 * scope is not such a filter: its plan is the same for every customer.
 */
export function preparedName(text: string, filtered: boolean): string | undefined {
  if (filtered) return undefined;
  let name = prepared.get(text);
  if (name === undefined && prepared.size < MAX_PREPARED) prepared.set(text, (name = `gov_keyset_${prepared.size + 1}`));
  return name;
}

function svText(field: SortField): string {
  return field === "CREATED_AT" ? `to_char(t0.sv AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : `t0.sv::text`;
}

/**
 * One page of ids in (sort value, id) order, with the counts relay needs.
 * `withTotal`: count every matching row (only when the query selects totalCount; otherwise totalCount is null).
 * `node`: an SQL expression over the entity's row aliased `t0` (json-select compile()), built for each row of the
 * page in the same statement — no second statement loading the page by id (issue #13: at 10k keys that one was a
 * sequential scan filtering every row by 100 ids).
 */
export async function keysetPage(
  entity: Entity,
  args: PageArgs,
  filter: ListFilter,
  field: SortField,
  dir: Direction,
  now: Date,
  withTotal: boolean,
  shape: PageShape = {},
): Promise<KeysetPage> {
  const { node, edge } = shape;
  if (args.first != null && args.last != null) throw invalid("Use either first or last, not both", "last");
  if (args.after != null && args.before != null) throw invalid("Use either after or before, not both", "before");
  if (args.first != null && args.before != null) throw invalid("Use first with after, or last with before", "before");
  if (args.last != null && args.after != null) throw invalid("Use first with after, or last with before", "after");
  if ((args.first ?? 0) < 0 || (args.last ?? 0) < 0) throw invalid("first and last must not be negative", args.first != null ? "first" : "last");
  const backward = args.last != null || args.before != null;
  const size = pageSize(args);
  const cursorArg = backward ? "before" : "after";
  const cursor = args[cursorArg] ? decodeCursor(args[cursorArg], field, dir, cursorArg) : null;
  const empty = { ids: [], nodes: [], cursors: [], ...(edge ? { edges: "[]" } : {}), totalCount: 0, hasNextPage: false, hasPreviousPage: false };
  if ((filter.teamId && !isUuid(filter.teamId)) || (filter.customerId && !isUuid(filter.customerId))) return empty;

  const scanAsc = (dir === "ASC") !== backward;
  const scan = Prisma.raw(scanAsc ? "ASC" : "DESC");
  const sv = sortValue(entity, field);
  const at = cursor ? Prisma.sql`(CAST(${cursor.sv} AS ${Prisma.raw(SV_TYPE[field])}), ${cursor.id}::uuid)` : null;
  const chosen = filters(entity, filter);
  const where = [...chosen, ...scoped(entity, filter.scope)];
  const matching = (extra: Prisma.Sql[]) => {
    const all = [...where, ...extra];
    return Prisma.sql`FROM ${Prisma.raw(`"${entity}"`)} t WHERE ${all.length ? Prisma.join(all, " AND ") : Prisma.sql`TRUE`}`;
  };
  // Rows after the cursor, straight from the table (no CTE over every row): a CREATED_AT or NAME page is an index scan.
  const after = at ? [Prisma.sql`(${sv}, t.id) ${Prisma.raw(scanAsc ? ">" : "<")} ${at}`] : [];
  const before = at ? [Prisma.sql`(${sv}, t.id) ${Prisma.raw(scanAsc ? "<=" : ">=")} ${at}`] : [];
  const needsWindows = field === "SPEND" || filter.overBudget != null;
  const order = (alias: string) => Prisma.raw(`${alias}.sv ${scanAsc ? "ASC" : "DESC"}, ${alias}.id ${scanAsc ? "ASC" : "DESC"}`);
  // With a node, the page carries the whole row (t.*: a CREATED_AT page is an index scan reading ~size heap tuples);
  // the node is built for the first `size` rows only, the extra one just tells whether there are more.
  const pageRows = Prisma.sql`(SELECT * FROM page p ORDER BY ${order("p")} LIMIT ${size}) t0`;
  const selected = edge
    ? // In answer order: the scan's, reversed for a backward page.
      Prisma.sql`(SELECT COALESCE('[' || string_agg(${Prisma.raw(edge(cursorMarkSql(field)))}, ',' ORDER BY ${Prisma.raw(`t0.sv ${dir}, t0.id ${dir}`)}) || ']', '[]')
             FROM ${pageRows}) AS edges`
    : Prisma.sql`COALESCE((SELECT json_agg(json_build_array(t0.id, ${Prisma.raw(svText(field))}${node ? Prisma.raw(`, ${node}`) : Prisma.empty}) ORDER BY ${order("t0")})
             FROM ${pageRows}), '[]'::json) AS rows`;
  const sql = Prisma.sql`
    WITH ${needsWindows ? await windowsCte(now) : Prisma.empty}
    page AS (SELECT ${node || edge ? Prisma.sql`t.*` : Prisma.sql`t.id`}, ${sv} AS sv ${matching(after)} ORDER BY sv ${scan}, t.id ${scan} LIMIT ${size + 1})
    SELECT ${!withTotal ? Prisma.sql`NULL::int` : entity === "VirtualKey" && !chosen.length ? maintainedKeyCount(filter.scope) : Prisma.sql`(SELECT count(*)::int ${matching([])})`} AS total,
           ${at ? Prisma.sql`EXISTS (SELECT 1 ${matching(before)})` : Prisma.sql`FALSE`} AS beyond,
           EXISTS (SELECT 1 FROM page OFFSET ${size}) AS more,
           ${selected}`;
  // Straight through the driver (like enforcement's statements): Prisma's raw-query path costs more CPU than the page.
  const [result] = await rawSql.query<{ total: number | null; beyond: boolean; more: boolean; rows?: unknown; edges?: string }>(sql.text, sql.values, preparedName(sql.text, chosen.length > 0));
  const more = result!.more;
  const counts = {
    totalCount: result!.total === null ? null : Number(result!.total),
    hasNextPage: backward ? result!.beyond : more,
    hasPreviousPage: backward ? more : result!.beyond,
  };
  if (edge) return { ids: [], nodes: [], ...withCursors(result!.edges!, field, dir), ...counts };
  const rows = (typeof result!.rows === "string" ? JSON.parse(result!.rows) : result!.rows) as [string, string, unknown?][];
  if (backward) rows.reverse();
  return {
    ids: rows.map((r) => r[0]),
    nodes: node ? rows.map((r) => r[2]) : [],
    cursors: rows.map(([id, sv]) => encodeCursor(field, dir, sv, id)),
    ...counts,
  };
}
