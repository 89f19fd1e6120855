/** Sorting and filter inputs shared by the top-level lists, and the resolver that turns a keyset page into a connection. */
import { customerScope } from "../services/access.js";
import { queryFromInfo } from "@pothos/plugin-prisma";
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import type { RequestContext } from "../context.js";
import { compile } from "../db/json-select.js";
import { builder } from "./builder.js";
import { withEntityIds } from "./ids.js";
import { keysetPage, type PageShape, type Direction, type Entity, type ListFilter, type PageArgs, type SortField } from "./keyset.js";

export const ListSortField = builder.enumType("ListSortField", {
  values: {
    NAME: { description: "By name (unique)." },
    CREATED_AT: { description: "By creation time (the default)." },
    SPEND: { description: "By spend: the summed usage of the entity's own budgets in their current windows (expired windows count 0)." },
  },
});

export const SortDirection = builder.enumType("SortDirection", { values: ["ASC", "DESC"] as const });

export const ListOrder = builder.inputType("ListOrder", {
  description: "Sort order of a list; ties (and equal values) are broken by id in the same direction, so paging is stable.",
  fields: (t) => ({
    field: t.field({ type: ListSortField, required: true, defaultValue: "CREATED_AT" }),
    direction: t.field({ type: SortDirection, required: true, defaultValue: "ASC" }),
  }),
});

export const searchArg = { description: "Case-insensitive substring of the name." };
export const overBudgetArg = {
  description: "true: only those with one of their own budgets exhausted (usage >= effective limit) in an unexpired window; false: only the others.",
};

/**
 * How Prisma loads a page's nested relations when src/db/json-select.ts cannot compile the selection (the fallback).
 * Measured with test/bench/graphql-join.ts on PostgreSQL (deep read of 5,000 keys): "query" (one statement per
 * relation level) took 537–574 ms median against 1,032–1,095 ms for "join" over two runs.
 */
export const LIST_LOAD_STRATEGY = "query" as const;

export interface ListConnection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** null when the query does not select totalCount (it is then not computed). */
  totalCount: number | null;
}

/** Whether the field being resolved selects `name` directly (through fragments too; directives are ignored). */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set &&
    set.selections.some((s) =>
      s.kind === Kind.FIELD ? s.name.value === name : s.kind === Kind.INLINE_FRAGMENT ? visit(s.selectionSet) : visit(info.fragments[s.name.value]?.selectionSet),
    );
  return info.fieldNodes.some((f) => visit(f.selectionSet));
}

/** The rows with these ids in this order (undefined where a row is gone), loaded by `load`. */
async function inPageOrder<T extends { id: string }>(ids: string[], load: (ids: string[]) => Promise<T[]>): Promise<(T | undefined)[]> {
  if (!ids.length) return [];
  const byId = new Map((await load(ids)).map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id));
}

export interface ListArgs extends PageArgs {
  orderBy?: { field: SortField; direction: Direction } | null | undefined;
}

/**
 * The keyset page of a top-level list as its resolver and the compiled reads (src/graphql/compiled) both read it:
 * default order, owner ids given as relay ids decoded, the caller's customer scope, `node` built per row.
 */
export function listKeysetPage(entity: Entity, args: ListArgs, filter: ListFilter | null | undefined, ctx: RequestContext, withTotal: boolean, shape?: PageShape) {
  const order = args.orderBy ?? { field: "CREATED_AT", direction: "ASC" };
  return keysetPage(entity, args, { ...(filter && withEntityIds(filter)), scope: customerScope(ctx) }, order.field, order.direction, ctx.now(), withTotal, shape);
}

/**
 * Resolves a keyset page of `entity` with its nodes (the nested selection of the query, src/db/json-select.ts) in
 * one statement; when json-select cannot compile the selection, the page's ids first, then `findMany` with
 * plugin-prisma's select/include, keeping the page order.
 */
export async function resolveList<T extends { id: string }>(
  entity: Entity,
  findMany: (query: object) => Promise<T[]>,
  args: ListArgs,
  filter: ListFilter | null | undefined,
  ctx: RequestContext,
  info: GraphQLResolveInfo,
): Promise<ListConnection<T>> {
  const query = queryFromInfo({ context: ctx, info, path: ["edges", "node"] });
  const node = compile(entity, query);
  const page = await listKeysetPage(entity, args, filter, ctx, selects(info, "totalCount"), { node: node?.object });
  const nodes = node ? page.nodes.map((v) => node.hydrate(v as unknown[]) as T) : await inPageOrder(page.ids, (ids) => findMany({ ...query, where: { id: { in: ids } }, relationLoadStrategy: LIST_LOAD_STRATEGY }));
  const edges = page.ids.flatMap((_id, i) => (nodes[i] ? [{ cursor: page.cursors[i]!, node: nodes[i] }] : []));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
