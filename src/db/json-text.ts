/**
 * SQL expressions that write JSON text byte for byte as `JSON.stringify` writes the value the general REST path
 * builds (src/rest/serialize.ts): no spaces, keys in the order given, `undefined` fields left out, numbers as
 * JavaScript prints the double (Decimal#toNumber, Number(bigint)), dates as Date#toISOString. PostgreSQL escapes
 * strings as JSON.stringify does (`"`, `\`, control characters as \b \f \n \r \t or \u00xx; nothing else), so a
 * page can be built by PostgreSQL and sent as it comes (issue #13). Tested against JSON.stringify on both
 * engines (test/db/json-text.test.ts).
 */

/** A text (or varchar) value as a JSON string. */
export const str = (e: string) => `to_json(${e})::text`;
/** A uuid as a JSON string (its text form needs no escaping). */
export const uuid = (e: string) => `('"' || ${e} || '"')`;
export const bool = (e: string) => `${e}::text`;
export const int = (e: string) => `${e}::text`;
/** A text[] as a JSON array. */
export const strings = (e: string) => `array_to_json(${e})::text`;
/** A timestamptz as Date#toISOString (millisecond columns). */
export const time = (e: string) => `('"' || to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"')`;

/**
 * A float8 as JavaScript prints it (NULL stays NULL, as in every helper here). For 1e-6 ≤ |v| < 2^53 PostgreSQL's
 * float8 output is JavaScript's digits (in exponent form from 1e15, which reading it back as numeric expands
 * exactly); the SQL function json_double (migration 20261130053000) writes the rest: exponent forms, the rounding
 * boundary from 2^53, NaN and ±Infinity as null. Kept out of line, the rare cases cost no planning time.
 */
export const float = (e: string) => `CASE WHEN ${e} = 0 OR abs(${e}) >= 1e-6 AND abs(${e}) < 9007199254740992 THEN ${e}::text::numeric::text ELSE json_double(${e}) END`;
/** A numeric(20,10) (|value| < 1e10) as the double Decimal#toNumber gives. */
export const decimal = (e: string) => `CASE WHEN ${e} = 0 OR abs(${e}) >= 1e-6 THEN ${e}::float8::text::numeric::text ELSE json_double(${e}::float8) END`;
/** A bigint as Number(bigint) (exact up to 2^53, the nearest double beyond). */
export const bigint = (e: string) => `CASE WHEN ${e} BETWEEN -9007199254740992 AND 9007199254740992 THEN ${e}::text ELSE json_double(${e}::float8) END`;

/**
 * How a field is written: `required` (a NOT NULL value), `optional` (left out when NULL: `?? undefined`),
 * `nullable` (JSON null when NULL), or `raw` (the expression is already `,"name":value…` text, NULL or '' for
 * nothing; the name is only a label).
 */
export type FieldKind = "required" | "optional" | "nullable" | "raw";
export type Field = [name: string, value: string, kind?: FieldKind];

/** A JSON object; its first field must be required (no leading comma to drop). */
export function object(fields: Field[]): string {
  const parts = fields.map(([name, value, kind = "required"], i) => {
    if (i === 0 && kind !== "required") throw new Error(`object(): first field ${name} must be required`);
    if (kind === "raw") return value;
    const key = `'${i === 0 ? "" : ","}${JSON.stringify(name)}:'`;
    return kind === "nullable" ? `${key} || COALESCE(${value}, 'null')` : `${key} || ${value}`;
  });
  return `concat('{', ${parts.join(",\n ")}, '}')`;
}

/**
 * A JSON array of `element` over the rows of `from` (FROM … WHERE …) in `order`; `[]` when none. The aggregate
 * reads a sorted subquery (kept in order: nothing else at its level) rather than `string_agg(… ORDER BY …)`,
 * which sets up a sort per call even for no rows.
 */
export const array = (element: string, from: string, order: string) => `(SELECT '[' || COALESCE(string_agg(s.e, ','), '') || ']' FROM (SELECT ${element} AS e ${from} ORDER BY ${order}) s)`;
