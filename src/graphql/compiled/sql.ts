/**
 * Compiles the selection of a node (and everything nested under it) into ONE SQL expression that PostgreSQL turns
 * into the GraphQL response JSON itself: response keys (aliases) in selection order, scalars already in their
 * GraphQL form. What it compiles is derived from the schema Pothos built, not listed by hand:
 *  - exposed columns (`t.exposeString("name")`, …) of String, Boolean, Int, Float, DateTime and String[] columns;
 *  - plugin-prisma relations (to-one, to-many in their list order, and related connections read with `first` and
 *    `edges { node }` / `totalCount`);
 *  - a few resolved fields whose resolver is a plain conversion: money (Float of numeric) and counters (Float of
 *    bigint) as float8 (the same double graphql-js serializes), relay ids, and `budget`, the primary budget: the
 *    owner's only budget in SQL; when it has several, `{"$candidates": [[duration, budget], …]}` and JS picks with
 *    services/limits.ts primaryBudget (pickCandidates), so the window-length rule exists once.
 * Anything else (another resolver, arguments, directives, fragments on other types, a field twice under one key)
 * throws Unsupported and the operation is executed by graphql-js as usual. Equivalence with that general path is
 * tested (test/graphql/compiled-reads.test.ts) on both engines.
 */
import {
  getArgumentValues,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from "graphql";
import { primaryBudget } from "../../services/limits.js";
import { q, relationJoin, scalarField } from "../../db/json-select.js";

export class Unsupported extends Error {}

/** The types whose rows are read straight from their table (prismaObject / prismaNode types of the same name). */
const TABLES = new Set(["Customer", "Team", "VirtualKey", "Budget", "RateLimit", "ProviderConfig"]);
/** Relay node types (their `id` is base64 of `Type:uuid`, as @pothos/plugin-relay encodes it). */
const NODES = new Set(["Customer", "Team", "VirtualKey"]);
const LIST_ORDER = [`"createdAt" ASC`, `id ASC`];
/** List relations and their order (the `query: { orderBy }` each relation field declares). */
const ORDERS: Record<string, string[]> = {
  teams: LIST_ORDER,
  budgets: LIST_ORDER,
  virtualKeys: LIST_ORDER,
  providerConfigs: [`id ASC`],
};
/** Resolved fields that only convert a column: numeric money and bigint counters (JSON numbers either way). */
const CONVERTED: Record<string, Record<string, (col: string) => string>> = {
  Budget: Object.fromEntries(["maxLimit", "currentUsage", "overrideAmount"].map((c) => [c, (col: string) => `${col}::float8`])),
  RateLimit: Object.fromEntries(["tokenMaxLimit", "requestMaxLimit", "tokenCurrentUsage", "requestCurrentUsage"].map((c) => [c, (col: string) => `${col}::float8`])),
};
/** The owner column of the primary `budget` field of each owner type. */
const BUDGET_OWNER: Record<string, string> = { Customer: "customerId", Team: "teamId", VirtualKey: "virtualKeyId", ProviderConfig: "providerConfigId" };

export interface Scope {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  aliases: number;
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const orderBy = (alias: string, order: string[]) => order.map((o) => `${alias}.${o}`).join(", ");

/** The fields of a selection set on `type`, fragments flattened; throws on anything graphql-js would merge or skip. */
export function fieldsOf(set: SelectionSetNode, type: GraphQLObjectType, scope: Scope): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.directives?.length) throw new Unsupported("directive");
    if (s.kind === Kind.FIELD) out.push(s);
    else {
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : scope.fragments[s.name.value];
      if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== type.name)) throw new Unsupported("fragment");
      if (fragment.directives?.length) throw new Unsupported("directive");
      out.push(...fieldsOf(fragment.selectionSet, type, scope));
    }
  }
  const keys = new Set<string>();
  for (const f of out) {
    const key = responseKey(f);
    if (keys.has(key)) throw new Unsupported("merged field");
    keys.add(key);
  }
  return out;
}

export const responseKey = (f: FieldNode) => f.alias?.value ?? f.name.value;

export function objectType(type: GraphQLOutputType): GraphQLObjectType {
  const named = getNamedType(type);
  if (!isObjectType(named)) throw new Unsupported("abstract type");
  return named;
}

/** One SQL object from (key, expression) pairs, keys in order (json_build_object takes at most 100 arguments). */
function buildObject(pairs: [string, string][]): string {
  if (pairs.length > 50) throw new Unsupported("too many fields");
  return `json_build_object(${pairs.map(([k, v]) => `${lit(k)}, ${v}`).join(", ")})`;
}

/** The JSON object of a row of `type` aliased `alias`, shaped by `set`. */
export function objectSql(type: GraphQLObjectType, set: SelectionSetNode, alias: string, scope: Scope): string {
  if (!TABLES.has(type.name)) throw new Unsupported(`type ${type.name}`);
  const pairs: [string, string][] = [];
  for (const node of fieldsOf(set, type, scope)) {
    const key = responseKey(node);
    if (node.name.value === "__typename") {
      pairs.push([key, lit(type.name)]);
      continue;
    }
    const def = type.getFields()[node.name.value];
    if (!def) throw new Unsupported("unknown field");
    pairs.push([key, fieldSql(type, def, node, alias, scope)]);
  }
  return buildObject(pairs);
}

function fieldSql(type: GraphQLObjectType, def: GraphQLField<unknown, unknown>, node: FieldNode, alias: string, scope: Scope): string {
  const ext = def.extensions as { pothosExposedField?: string; pothosPrismaRelationField?: { name: string; isList: boolean } };
  const converted = CONVERTED[type.name]?.[def.name];
  if (converted) return converted(`${alias}.${q(def.name)}`);
  if (def.name === "id" && NODES.has(type.name) && !ext.pothosExposedField) {
    return `translate(encode(convert_to(${lit(`${type.name}:`)} || ${alias}.id::text, 'UTF8'), 'base64'), E'\\n', '')`;
  }
  if (ext.pothosExposedField) return columnSql(type.name, ext.pothosExposedField, alias);
  if (def.name === "budget" && BUDGET_OWNER[type.name]) return primaryBudgetSql(def, node, alias, scope, BUDGET_OWNER[type.name]!);
  const relation = ext.pothosPrismaRelationField;
  if (!relation) throw new Unsupported(`${type.name}.${def.name}`);
  const child = `c${++scope.aliases}`;
  const join = relationJoin(type.name, relation.name, alias, child);
  if (!join || !node.selectionSet) throw new Unsupported("relation");
  const target = objectType(def.type);
  if (target.name.endsWith("Connection")) return connectionSql(type, def, node, alias, scope);
  if (node.arguments?.length) throw new Unsupported("arguments");
  const table = q(target.name);
  if (!relation.isList) return `(SELECT ${objectSql(target, node.selectionSet, child, scope)} FROM ${table} ${child} WHERE ${join} LIMIT 1)`;
  const order = ORDERS[relation.name];
  if (!order || !isListType(isNonNullType(def.type) ? def.type.ofType : def.type)) throw new Unsupported("list order");
  const object = objectSql(target, node.selectionSet, child, scope);
  return `(SELECT COALESCE(json_agg(${object} ORDER BY ${orderBy(child, order)}), '[]'::json) FROM ${table} ${child} WHERE ${join})`;
}

function columnSql(model: string, column: string, alias: string): string {
  const field = scalarField(model, column);
  if (!field) throw new Unsupported(`column ${model}.${column}`);
  const col = `${alias}.${q(column)}`;
  if (field.isList) {
    if (field.type !== "String") throw new Unsupported("list column");
    return col;
  }
  if (field.type === "DateTime") return iso(col);
  if (["String", "Boolean", "Int", "Float"].includes(field.type)) return col;
  throw new Unsupported(`column type ${field.type}`);
}

/**
 * The owner's primary budget: its only budget (or null) straight from SQL; with several, every candidate in list
 * order as `{"$candidates": [[resetDuration, budget], …]}` for pickCandidates.
 */
function primaryBudgetSql(def: GraphQLField<unknown, unknown>, node: FieldNode, alias: string, scope: Scope, owner: string): string {
  if (node.arguments?.length || !node.selectionSet) throw new Unsupported("budget");
  const child = `c${++scope.aliases}`;
  const object = objectSql(objectType(def.type), node.selectionSet, child, scope);
  const rows = `(SELECT ${object} AS o, ${child}."resetDuration" AS d, ${child}."createdAt", ${child}.id FROM "Budget" ${child} WHERE ${child}.${q(owner)} = ${alias}.id) ${child}`;
  return `(SELECT CASE WHEN count(*) <= 1 THEN (array_agg(${child}.o))[1] ELSE json_build_object('$candidates', json_agg(json_build_array(${child}.d, ${child}.o) ORDER BY ${orderBy(child, LIST_ORDER)})) END FROM ${rows})`;
}

/** A related connection read with `first` (default 20, at most 100, as plugin-prisma pages it): edges { node } and totalCount. */
function connectionSql(type: GraphQLObjectType, def: GraphQLField<unknown, unknown>, node: FieldNode, alias: string, scope: Scope): string {
  const relation = (def.extensions as { pothosPrismaRelationField: { name: string; type: string } }).pothosPrismaRelationField;
  const args = getArgumentValues(def, node, scope.variables) as { first?: number | null; after?: unknown; last?: unknown; before?: unknown };
  if (args.after != null || args.last != null || args.before != null) throw new Unsupported("connection arguments");
  if (args.first != null && (!Number.isInteger(args.first) || args.first < 0)) throw new Unsupported("first");
  const size = Math.min(args.first ?? 20, 100);
  const order = ORDERS[relation.name];
  if (!order) throw new Unsupported("connection order");
  const connection = objectType(def.type);
  const pairs: [string, string][] = [];
  for (const f of fieldsOf(node.selectionSet!, connection, scope)) {
    const k = responseKey(f);
    if (f.name.value === "__typename") pairs.push([k, lit(connection.name)]);
    else if (f.name.value === "totalCount") {
      const c = `c${++scope.aliases}`;
      pairs.push([k, `(SELECT count(*) FROM ${q(relation.type)} ${c} WHERE ${relationJoin(type.name, relation.name, alias, c)})`]);
    } else if (f.name.value === "edges" && f.selectionSet) {
      const c = `c${++scope.aliases}`;
      const edgeType = objectType(connection.getFields().edges!.type);
      const edge: [string, string][] = [];
      for (const e of fieldsOf(f.selectionSet, edgeType, scope)) {
        const ek = responseKey(e);
        if (e.name.value === "__typename") edge.push([ek, lit(edgeType.name)]);
        else if (e.name.value === "node" && e.selectionSet) {
          edge.push([ek, objectSql(objectType(edgeType.getFields().node!.type), e.selectionSet, c, scope)]);
        } else throw new Unsupported("edge field");
      }
      const rows = `(SELECT * FROM ${q(relation.type)} ${c} WHERE ${relationJoin(type.name, relation.name, alias, c)} ORDER BY ${orderBy(c, order)} LIMIT ${size}) ${c}`;
      pairs.push([k, `(SELECT COALESCE(json_agg(${buildObject(edge)} ORDER BY ${orderBy(c, order)}), '[]'::json) FROM ${rows})`]);
    } else throw new Unsupported("connection field");
  }
  return buildObject(pairs);
}

/**
 * Whether a node's JSON text holds primary-budget candidates: the key `"$candidates"` then a colon (json_build_object
 * writes `"key" : value`) never occurs inside a JSON string, whose quotes are escaped.
 */
export const hasCandidates = (json: string) => /"\$candidates"\s*:/.test(json);

/** Replaces every `{"$candidates": …}` in parsed JSON by the primary budget (services/limits.ts primaryBudget). */
export function pickCandidates(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(pickCandidates);
  const object = value as Record<string, unknown>;
  if (Object.hasOwn(object, "$candidates")) {
    const candidates = (object.$candidates as [string, unknown][]).map(([resetDuration, budget]) => ({ resetDuration, budget }));
    return pickCandidates(primaryBudget(candidates)?.budget ?? null);
  }
  for (const key of Object.keys(object)) object[key] = pickCandidates(object[key]);
  return object;
}
