/**
 * Compiles the selection of a node (and everything nested under it) into ONE SQL expression that PostgreSQL turns
 * into the GraphQL response JSON itself: response keys (aliases) in selection order, scalars already in their
 * GraphQL form. What it compiles is derived from the schema Pothos built, not listed by hand:
 *  - exposed columns (`t.exposeString("name")`, …) of String, Boolean, Int, Float, DateTime and String[] columns;
 *  - plugin-prisma relations (to-one, to-many in their list order, and related connections read with `first` and
 *    `edges { node }` / `totalCount`);
 *  - a few resolved fields whose resolver is a plain conversion: money (Float of numeric), counters (Float of
 *    bigint), relay ids, and `budget` (the primary budget, picked in JS by services/limits.ts primaryBudget so the
 *    rule exists once).
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
  Budget: Object.fromEntries(["maxLimit", "currentUsage", "overrideAmount"].map((c) => [c, (col: string) => `trim_scale(${col})`])),
  RateLimit: Object.fromEntries(["tokenMaxLimit", "requestMaxLimit", "tokenCurrentUsage", "requestCurrentUsage"].map((c) => [c, (col: string) => col])),
};
/** The owner column of the primary `budget` field of each owner type. */
const BUDGET_OWNER: Record<string, string> = { Customer: "customerId", Team: "teamId", VirtualKey: "virtualKeyId", ProviderConfig: "providerConfigId" };

/** Post-processing of the parsed JSON: primary budgets are picked from their candidates (hidden key `$d`). */
export interface Post {
  primary: boolean;
  fields: Map<string, Post>;
}

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

/** The JSON object of a row of `type` aliased `alias`, shaped by `set`; `post` collects what JS must finish. */
export function objectSql(type: GraphQLObjectType, set: SelectionSetNode, alias: string, scope: Scope, post: Post, extra: [string, string][] = []): string {
  if (!TABLES.has(type.name)) throw new Unsupported(`type ${type.name}`);
  const pairs: [string, string][] = [...extra];
  for (const node of fieldsOf(set, type, scope)) {
    const key = responseKey(node);
    if (node.name.value === "__typename") {
      pairs.push([key, lit(type.name)]);
      continue;
    }
    const def = type.getFields()[node.name.value];
    if (!def) throw new Unsupported("unknown field");
    pairs.push([key, fieldSql(type, def, node, alias, scope, post, key)]);
  }
  return buildObject(pairs);
}

function fieldSql(type: GraphQLObjectType, def: GraphQLField<unknown, unknown>, node: FieldNode, alias: string, scope: Scope, post: Post, key: string): string {
  const ext = def.extensions as { pothosExposedField?: string; pothosPrismaRelationField?: { name: string; isList: boolean } };
  const converted = CONVERTED[type.name]?.[def.name];
  if (converted) return converted(`${alias}.${q(def.name)}`);
  if (def.name === "id" && NODES.has(type.name) && !ext.pothosExposedField) {
    return `translate(encode(convert_to(${lit(`${type.name}:`)} || ${alias}.id::text, 'UTF8'), 'base64'), E'\\n', '')`;
  }
  if (ext.pothosExposedField) return columnSql(type.name, ext.pothosExposedField, alias);
  if (def.name === "budget" && BUDGET_OWNER[type.name]) return primaryBudgetSql(def, node, alias, scope, post, key, BUDGET_OWNER[type.name]!);
  const relation = ext.pothosPrismaRelationField;
  if (!relation) throw new Unsupported(`${type.name}.${def.name}`);
  const child = `c${++scope.aliases}`;
  const join = relationJoin(type.name, relation.name, alias, child);
  if (!join || !node.selectionSet) throw new Unsupported("relation");
  const target = objectType(def.type);
  if (target.name.endsWith("Connection")) return connectionSql(type, def, node, alias, scope, post, key);
  if (node.arguments?.length) throw new Unsupported("arguments");
  const inner = childPost(post, key);
  const table = q(target.name);
  if (!relation.isList) return `(SELECT ${objectSql(target, node.selectionSet, child, scope, inner)} FROM ${table} ${child} WHERE ${join} LIMIT 1)`;
  const order = ORDERS[relation.name];
  if (!order || !isListType(isNonNullType(def.type) ? def.type.ofType : def.type)) throw new Unsupported("list order");
  const object = objectSql(target, node.selectionSet, child, scope, inner);
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

/** A child entry of `post` for `key`, kept only if something under it needs finishing (see prune). */
function childPost(post: Post, key: string): Post {
  const child: Post = { primary: false, fields: new Map() };
  post.fields.set(key, child);
  return child;
}

/** Candidates (every budget of the owner, in list order, with its duration under `$d`); JS picks the primary. */
function primaryBudgetSql(def: GraphQLField<unknown, unknown>, node: FieldNode, alias: string, scope: Scope, post: Post, key: string, owner: string): string {
  if (node.arguments?.length || !node.selectionSet) throw new Unsupported("budget");
  const child = `c${++scope.aliases}`;
  const inner = childPost(post, key);
  inner.primary = true;
  const object = objectSql(objectType(def.type), node.selectionSet, child, scope, inner, [["$d", `${child}."resetDuration"`]]);
  return `(SELECT COALESCE(json_agg(${object} ORDER BY ${orderBy(child, LIST_ORDER)}), '[]'::json) FROM "Budget" ${child} WHERE ${child}.${q(owner)} = ${alias}.id)`;
}

/** A related connection read with `first` (default 20, at most 100, as plugin-prisma pages it): edges { node } and totalCount. */
function connectionSql(type: GraphQLObjectType, def: GraphQLField<unknown, unknown>, node: FieldNode, alias: string, scope: Scope, post: Post, key: string): string {
  const relation = (def.extensions as { pothosPrismaRelationField: { name: string; type: string } }).pothosPrismaRelationField;
  const args = getArgumentValues(def, node, scope.variables) as { first?: number | null; after?: unknown; last?: unknown; before?: unknown };
  if (args.after != null || args.last != null || args.before != null) throw new Unsupported("connection arguments");
  if (args.first != null && (!Number.isInteger(args.first) || args.first < 0)) throw new Unsupported("first");
  const size = Math.min(args.first ?? 20, 100);
  const order = ORDERS[relation.name];
  if (!order) throw new Unsupported("connection order");
  const connection = objectType(def.type);
  const inner = childPost(post, key);
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
      const edgePost = childPost(inner, k);
      const edge: [string, string][] = [];
      for (const e of fieldsOf(f.selectionSet, edgeType, scope)) {
        const ek = responseKey(e);
        if (e.name.value === "__typename") edge.push([ek, lit(edgeType.name)]);
        else if (e.name.value === "node" && e.selectionSet) {
          edge.push([ek, objectSql(objectType(edgeType.getFields().node!.type), e.selectionSet, c, scope, childPost(edgePost, ek))]);
        } else throw new Unsupported("edge field");
      }
      const rows = `(SELECT * FROM ${q(relation.type)} ${c} WHERE ${relationJoin(type.name, relation.name, alias, c)} ORDER BY ${orderBy(c, order)} LIMIT ${size}) ${c}`;
      pairs.push([k, `(SELECT COALESCE(json_agg(${buildObject(edge)} ORDER BY ${orderBy(c, order)}), '[]'::json) FROM ${rows})`]);
    } else throw new Unsupported("connection field");
  }
  return buildObject(pairs);
}

/** Drops the entries of `post` under which nothing needs finishing; true when `post` itself needs nothing. */
export function prune(post: Post): boolean {
  for (const [key, child] of post.fields) if (prune(child)) post.fields.delete(key);
  return !post.primary && post.fields.size === 0;
}

/** Finishes parsed JSON in place: picks each primary budget from its candidates (lists are walked item by item). */
export function finish(value: unknown, post: Post): unknown {
  if (value === null || value === undefined) return value;
  if (post.primary) {
    const candidates = value as Record<string, unknown>[];
    const chosen = primaryBudget(candidates.map((c) => ({ resetDuration: c.$d as string, c })))?.c;
    if (!chosen) return null;
    delete chosen.$d;
    return finishFields(chosen, post);
  }
  if (Array.isArray(value)) return value.map((v) => finish(v, post));
  return finishFields(value as Record<string, unknown>, post);
}

function finishFields(object: Record<string, unknown>, post: Post): Record<string, unknown> {
  for (const [key, child] of post.fields) object[key] = finish(object[key], child);
  return object;
}
