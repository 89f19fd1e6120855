/**
 * The read hot path: a Prisma `select`/`include` tree (what plugin-prisma derives from a GraphQL selection, or a
 * service's include) compiled into ONE SQL expression that PostgreSQL turns into JSON, then parsed and typed the
 * way Prisma returns rows (Decimal, Date, bigint). Prisma's own nested reads run a statement per relation level
 * and map every row in JS; this runs one statement and one JSON.parse whatever the depth (issue #13).
 *
 * Supported: scalar fields, to-one and to-many relations (single-column keys), relation `orderBy` on scalar
 * fields, non-negative `take`/`skip`, and `_count` of to-many relations. Anything else (relation `where`,
 * `cursor`, `distinct`, a negative `take`, composite keys) makes compile() return null: the caller then uses
 * Prisma, so the result never depends on this module knowing a query shape. Equivalence with Prisma is tested
 * (test/db/json-select.test.ts) on both engines.
 */
import { Prisma } from "../generated/prisma/client.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { rawSql } from "./client.js";

interface Field {
  name: string;
  kind: string;
  type: string;
  isList: boolean;
  isId: boolean;
  relationName?: string;
  relationFromFields?: string[];
}

const MODELS = getDatamodel().datamodel.models as unknown as Record<string, { fields: Field[] }>;
const fieldsOf = (model: string) => MODELS[model]?.fields ?? [];

type Convert = (v: unknown) => unknown;
const SCALAR: Record<string, { sql: (col: string) => string; convert: Convert }> = {
  Decimal: { sql: (c) => `${c}::text`, convert: (v) => new Prisma.Decimal(v as string) },
  BigInt: { sql: (c) => `${c}::text`, convert: (v) => BigInt(v as string) },
  // Epoch milliseconds as float8 (the columns are timestamptz(3); rounding absorbs the float8 product's error):
  // date_part is far cheaper in PostgreSQL than numeric extract(), and new Date(number) than parsing ISO text.
  DateTime: { sql: (c) => `date_part('epoch', ${c}) * 1000`, convert: (v) => new Date(Math.round(v as number)) },
  Float: { sql: (c) => c, convert: (v) => (typeof v === "string" ? Number(v) : v) },
};
const plain: Convert = (v) => v;

/**
 * A compiled selection: the SQL expression of one row as a JSON array (values by position: less to build, send
 * and parse than objects), and the converter of its parsed value into a Prisma-shaped row.
 */
export interface Compiled {
  object: string;
  hydrate(value: unknown[]): Record<string, unknown>;
}

class Unsupported extends Error {}

/** Switch for tests that compare the hot path with Prisma's own reads (off: compile() always returns null). */
export const jsonSelect = { enabled: true };

export const q = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

function idColumn(model: string): string {
  const ids = fieldsOf(model).filter((f) => f.isId);
  if (ids.length !== 1) throw new Unsupported(`${model}: no single-column id`);
  return ids[0]!.name;
}

/** The join condition of relation `field` of `model` (alias `parent`) for the related model's alias `child`. */
function joinOn(model: string, field: Field, parent: string, child: string): string {
  const from = field.relationFromFields ?? [];
  if (from.length === 1) return `${child}.${q(idColumn(field.type))} = ${parent}.${q(from[0]!)}`;
  if (from.length > 1) throw new Unsupported("composite foreign key");
  const back = fieldsOf(field.type).find((f) => f.relationName === field.relationName && f.kind === "object" && (f.relationFromFields?.length ?? 0) > 0);
  if (!back || back.relationFromFields!.length !== 1) throw new Unsupported(`${model}.${field.name}: no single-column back relation`);
  return `${child}.${q(back.relationFromFields![0]!)} = ${parent}.${q(idColumn(model))}`;
}

function orderBy(model: string, order: unknown, alias: string): string {
  const list = Array.isArray(order) ? order : order ? [order] : [];
  const known = new Set(fieldsOf(model).filter((f) => f.kind !== "object").map((f) => f.name));
  const parts = list.flatMap((o: Record<string, unknown>) =>
    Object.entries(o).map(([name, dir]) => {
      if (!known.has(name) || (dir !== "asc" && dir !== "desc")) throw new Unsupported(`orderBy ${name}`);
      return `${alias}.${q(name)} ${dir.toUpperCase()}`;
    }),
  );
  return parts.length ? ` ORDER BY ${parts.join(", ")}` : "";
}

const RELATION_ARGS = new Set(["select", "include", "orderBy", "take", "skip"]);

function count(n: unknown, what: string): number {
  if (n === undefined) return -1;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Unsupported(what);
  return n;
}

let aliases = 0;

function selection(model: string, args: Record<string, unknown>, alias: string): Compiled {
  if (args.select !== undefined && args.include !== undefined) throw new Unsupported("select and include");
  const fields = fieldsOf(model);
  if (!fields.length) throw new Unsupported(`model ${model}`);
  const picked = (args.select ?? args.include ?? {}) as Record<string, unknown>;
  const names = new Set(args.select ? [] : fields.filter((f) => f.kind !== "object").map((f) => f.name));
  const relations: [Field, unknown][] = [];
  let counts: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(picked)) {
    if (value === false || value === undefined) continue;
    if (name === "_count") {
      counts = ((value as { select?: Record<string, unknown> }).select ?? null) as Record<string, unknown>;
      if (!counts) throw new Unsupported("_count without select");
      continue;
    }
    const field = fields.find((f) => f.name === name);
    if (!field) throw new Unsupported(`${model}.${name}`);
    if (field.kind === "object") relations.push([field, value]);
    else if (value === true) names.add(name);
    else throw new Unsupported(`${model}.${name}: ${JSON.stringify(value)}`);
  }
  const parts: string[] = [];
  const converters: [string, Convert][] = [];
  for (const name of names) {
    const field = fields.find((f) => f.name === name)!;
    const scalar = SCALAR[field.type];
    const col = `${alias}.${q(name)}`;
    if (scalar && field.isList) {
      parts.push(field.type === "Decimal" || field.type === "BigInt" ? `${col}::text[]` : field.type === "DateTime" ? `(SELECT array_agg(date_part('epoch', d) * 1000) FROM unnest(${col}) d)` : col);
      converters.push([name, (v) => (v === null ? null : (v as unknown[]).map(scalar.convert))]);
    } else {
      parts.push(scalar ? scalar.sql(col) : col);
      converters.push([name, scalar ? (v) => (v === null ? null : scalar.convert(v)) : plain]);
    }
  }
  for (const [field, value] of relations) {
    const child = `t${++aliases}`;
    const sub = value === true ? {} : (value as Record<string, unknown>);
    for (const key of Object.keys(sub)) if (!RELATION_ARGS.has(key) || (key !== "select" && key !== "include" && !field.isList)) throw new Unsupported(`${field.name}.${key}`);
    const inner = selection(field.type, sub, child);
    const on = joinOn(model, field, alias, child);
    if (field.isList) {
      const take = count(sub.take, "take");
      const skip = count(sub.skip, "skip");
      const order = orderBy(field.type, sub.orderBy, child);
      const limit = `${take >= 0 ? ` LIMIT ${take}` : ""}${skip > 0 ? ` OFFSET ${skip}` : ""}`;
      parts.push(`(SELECT COALESCE(json_agg(${inner.object}${order}), '[]'::json) FROM (SELECT ${child}.* FROM ${q(field.type)} ${child} WHERE ${on}${order}${limit}) ${child})`);
      converters.push([field.name, (v) => (v as unknown[][]).map(inner.hydrate)]);
    } else {
      parts.push(`(SELECT ${inner.object} FROM ${q(field.type)} ${child} WHERE ${on} LIMIT 1)`);
      converters.push([field.name, (v) => (v === null ? null : inner.hydrate(v as unknown[]))]);
    }
  }
  if (counts) {
    const countNames = Object.keys(counts);
    const countParts = Object.entries(counts).map(([name, value]) => {
      const field = fields.find((f) => f.name === name && f.kind === "object" && f.isList);
      if (!field || value !== true) throw new Unsupported(`_count.${name}`);
      const child = `t${++aliases}`;
      return `(SELECT count(*) FROM ${q(field.type)} ${child} WHERE ${joinOn(model, field, alias, child)})`;
    });
    parts.push(`json_build_array(${countParts.join(", ")})`);
    converters.push(["_count", (v) => Object.fromEntries(countNames.map((name, i) => [name, (v as number[])[i]]))]);
  }
  // json_build_array takes at most 100 arguments: wide rows are concatenated from several arrays.
  const chunks: string[] = [];
  for (let i = 0; i < parts.length; i += 90) chunks.push(`jsonb_build_array(${parts.slice(i, i + 90).join(", ")})`);
  const object = chunks.length === 0 ? "'[]'::json" : chunks.length === 1 ? chunks[0]!.replace(/^jsonb_/, "json_") : `(${chunks.join(" || ")})::json`;
  const width = converters.length;
  return {
    object,
    hydrate(value) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) {
        const [name, convert] = converters[i]!;
        row[name] = convert(value[i] ?? null);
      }
      return row;
    },
  };
}

/** The SQL join condition of `model`'s relation `name` (aliases `parent` and `child`), or null when not a single-column relation. */
export function relationJoin(model: string, name: string, parent: string, child: string): string | null {
  const field = fieldsOf(model).find((f) => f.name === name && f.kind === "object");
  try {
    return field ? joinOn(model, field, parent, child) : null;
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

/** A scalar column of `model` (its Prisma type and whether it is a list), or undefined. */
export function scalarField(model: string, name: string): { type: string; isList: boolean } | undefined {
  const field = fieldsOf(model).find((f) => f.name === name && f.kind !== "object");
  return field && { type: field.type, isList: field.isList };
}

/**
 * Compiles `query` (Prisma findMany arguments: `select`/`include` with nested relation arguments; other top-level
 * keys are the caller's business) for `model` rows aliased `t0`; null when the query uses something unsupported.
 */
export function compile(model: string, query: Record<string, unknown>): Compiled | null {
  if (!jsonSelect.enabled) return null;
  aliases = 0;
  try {
    return selection(model, { select: query.select, include: query.include }, "t0");
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

/** Parses the `json_agg` text of compiled rows into Prisma-typed rows. */
export function hydrateRows<T>(compiled: Compiled, text: string | null): T[] {
  const values = JSON.parse(text ?? "[]") as unknown[][];
  return values.map(compiled.hydrate) as T[];
}

/**
 * Rows of `model` with these ids, shaped by `query`, in ONE statement; `fallback` (Prisma) runs when the query
 * cannot be compiled. Order is unspecified (callers order by their page).
 */
export async function findManyByIds<T>(model: string, query: Record<string, unknown>, ids: readonly string[], fallback: () => Promise<T[]>): Promise<T[]> {
  const compiled = compile(model, query);
  if (!compiled) return fallback();
  const sql = `SELECT COALESCE(json_agg(${compiled.object}), '[]'::json)::text AS rows FROM ${q(model)} t0 WHERE t0.${q(idColumn(model))} = ANY($1)`;
  const [row] = await rawSql.query<{ rows: string }>(sql, [ids]);
  return hydrateRows<T>(compiled, row?.rows ?? null);
}
