/**
 * Query cost model (@pothos/plugin-complexity): complexity ≈ the number of objects a query can return.
 * - scalar and enum fields cost 0; every object field costs 1;
 * - a connection multiplies its selection by `first`/`last` (default 20, max 100); its `edges` list adds nothing;
 * - other lists multiply by 10, or by 5 for the short per-owner lists (budgets, provider configs, …).
 * Depth counts nested selections (`customers { edges { node { name } } }` is 4). The limits
 * (GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COMPLEXITY) are applied per request in yoga.ts.
 */
import type { FieldComplexityValue } from "@pothos/plugin-complexity";
import { getNamedType, isLeafType, isListType, isNonNullType, type GraphQLField, type GraphQLOutputType } from "graphql";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const LIST_MULTIPLIER = 10;

/** For lists an owner only has a few of (budgets per window, provider configs, MCP configs, provider keys). */
export const shortList: FieldComplexityValue = { field: 1, multiplier: 5 };

const listType = (type: GraphQLOutputType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

/** Connection page size as requested, clamped the way the resolvers clamp it. */
export function pageSize(args: { first?: number | null; last?: number | null }): number {
  const n = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(n, 0), MAX_PAGE_SIZE);
}

export function fieldComplexity<C>(args: Record<string, unknown>, _ctx: C, field: GraphQLField<unknown, C, any>): FieldComplexityValue {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  const paged = field.args.some((a) => a.name === "first") && field.args.some((a) => a.name === "last");
  if (paged) return { field: 1, multiplier: pageSize(args) };
  if (listType(field.type)) return named.name.endsWith("Edge") ? { field: 0, multiplier: 1 } : { field: 1, multiplier: LIST_MULTIPLIER };
  return 1;
}
