/**
 * src/db/json-text.ts writes what JSON.stringify writes for the value the general REST path builds: strings,
 * doubles (float8, numeric via Decimal#toNumber, bigint via Number), dates (toISOString), on both engines; and
 * the duration_ns SQL function orders reset durations as compareDurations does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawSql } from "../../src/db/client.js";
import { bigint, decimal, float, str, time } from "../../src/db/json-text.js";
import { windowOrder } from "../../src/services/virtual-key-json.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { compareDurations } from "../../src/lib/duration.js";

const RUNS = { numRuns: 40 };

/** `expr` (over column v) for each value, in order. */
async function each(expr: string, type: string, values: unknown[]): Promise<string[]> {
  const rows = await rawSql.query<{ j: string | null }>(`SELECT ${expr} AS j FROM unnest($1::${type}[]) WITH ORDINALITY AS t(v, i) ORDER BY i`, [values]);
  return rows.map((r) => r.j ?? "<NULL>");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.string({ unit: fc.constantFrom(..."\"\\/\b\f\n\r\t\u0001\u001f\u007f\u2028\u2029é😀a".split("")) }))
  .filter((s) => !s.includes("\0") && !LONE_SURROGATE.test(s));
const digits = (max: number) => fc.string({ unit: fc.constantFrom(..."0123456789".split("")), minLength: 1, maxLength: max });

describe("JSON text written by SQL equals JSON.stringify", () => {
  it("strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 50 }), async (values) => {
        expect(await each(str("v"), "text", values)).toEqual(values.map((v) => JSON.stringify(v)));
      }),
      RUNS,
    );
  });

  it("doubles (float8), including exponent forms, zero, NaN and infinities", async () => {
    const edge = [0, 1, -1, 0.1, 1e-7, 1.5e-7, 9.99e-7, 1e-6, 1e-5, 1.5e-5, 1e-4, 123456789012345, 1e15, 1e20, 1e21, 1.5e21, 5e-324, 1.7976931348623157e308, -6e-7, NaN, Infinity, -Infinity];
    expect(await each(float("v"), "float8", edge)).toEqual(edge.map((v) => JSON.stringify(v)));
    expect(await each(`concat(COALESCE(${float("v")}, 'N'), COALESCE(${bigint("v::int8")}, 'N'), COALESCE(${decimal("v::numeric")}, 'N'))`, "float8", [null])).toEqual(["NNN"]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.double(), fc.double({ min: -1e-3, max: 1e-3 }), fc.double({ min: 1e14, max: 1e22 })), { minLength: 1, maxLength: 50 }), async (values) => {
        const finite = values.map((v) => (Object.is(v, -0) ? 0 : v)); // -0 does not survive the parameter's text form
        expect(await each(float("v"), "float8", finite)).toEqual(finite.map((v) => JSON.stringify(v)));
      }),
      RUNS,
    );
  });

  it("numeric(20,10) as Decimal#toNumber", async () => {
    const money = fc.tuple(fc.boolean(), digits(10), digits(10)).map(([neg, i, f]) => `${neg ? "-" : ""}${i}.${f}`);
    const edge = ["0.0000000000", "1.0000000001", "9999999999.9999999999", "0.0000001000", "0.0000010000", "0.0001000000", "100.1250000000", "6e-7"];
    expect(await each(decimal("v"), "numeric", edge)).toEqual(edge.map((v) => JSON.stringify(new Prisma.Decimal(v).toNumber())));
    await fc.assert(
      fc.asyncProperty(fc.array(money, { minLength: 1, maxLength: 50 }), async (values) => {
        expect(await each(decimal("v"), "numeric", values)).toEqual(values.map((v) => JSON.stringify(new Prisma.Decimal(v).toNumber())));
      }),
      RUNS,
    );
  });

  it("bigint as Number(bigint)", async () => {
    const edge = [0n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n), 9_007_199_254_740_000n];
    const expected = (vs: bigint[]) => vs.map((v) => JSON.stringify(Number(v)));
    expect(await each(bigint("v"), "bigint", edge.map(String))).toEqual(expected(edge));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 50 }), async (values) => {
        expect(await each(bigint("v"), "bigint", values.map(String))).toEqual(expected(values));
      }),
      RUNS,
    );
  });

  it("timestamps (milliseconds, years 1–9999) as Date#toISOString", async () => {
    const ms = fc.integer({ min: -62135596800000, max: 253402300799999 }); // 0001-01-01 … 9999-12-31
    await fc.assert(
      fc.asyncProperty(fc.array(ms, { minLength: 1, maxLength: 50 }), async (values) => {
        const dates = values.map((v) => new Date(v).toISOString());
        expect(await each(time("v"), "timestamptz", dates)).toEqual(dates.map((d) => JSON.stringify(d)));
      }),
      RUNS,
    );
  });
});

describe("duration_ns (and windowOrder, its inline fast path) order reset durations as compareDurations", () => {
  const unit = fc.constantFrom("ns", "us", "µs", "μs", "ms", "s", "m", "h", "d", "w", "M", "Q", "Y", "x", "");
  const term = fc.tuple(fc.option(digits(4), { nil: "" }), fc.option(fc.option(digits(3), { nil: "" }), { nil: undefined }), unit)
    .map(([i, f, u]) => `${i}${f === undefined ? "" : `.${f}`}${u}`);
  const duration = fc.oneof(
    fc.constantFrom("daily", "weekly", "monthly", "yearly", "0", "", "-1h", "+1h", "1h", "60m", "3600s", "1d", "24h", "2562047h47m16.854775807s", "2562047h47m16.854775808s"),
    fc.tuple(digits(3), fc.constantFrom(..."smhdwMQYx".split(""))).map(([n, u]) => n + u),
    fc.tuple(fc.constantFrom("", "+", "-"), fc.array(term, { minLength: 1, maxLength: 3 })).map(([sign, terms]) => sign + terms.join("")),
  );

  it("sorts shortest first, invalid and non-positive last", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(duration, { minLength: 2, maxLength: 30 }), async (values) => {
        const ns = (await each(`duration_ns(v)::text`, "text", values)).map((v) => (v === "<NULL>" ? null : BigInt(v)));
        expect(await each(`(${windowOrder("v")})::text`, "text", values)).toEqual(ns.map((v) => (v === null ? "<NULL>" : String(v))));
        const sqlCompare = (a: bigint | null, b: bigint | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0);
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) {
            expect(sqlCompare(ns[i]!, ns[j]!), `${values[i]} vs ${values[j]}`).toBe(Math.sign(compareDurations(values[i]!, values[j]!)));
          }
        }
      }),
      RUNS,
    );
  });
});
