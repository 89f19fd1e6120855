import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  addPeriods,
  alignLastReset,
  calendarPeriod,
  calendarUnit,
  compareDurations,
  durationToSqlInterval,
  isExpired,
  nextResetAt,
  parseDuration,
  periodStart,
  resetStart,
  validateResetDuration,
  windowEnd,
  type CalendarUnit,
  type ResetWindow,
} from "../../src/lib/duration.js";

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const D = (iso: string): Date => new Date(iso);
const RUNS = { numRuns: 600 };

function msOf(s: string): number | undefined {
  const r = parseDuration(s);
  return r.ok ? r.ms : undefined;
}

/** Port of Go's time.Duration.String for the round-trip property. */
function goFormat(d: bigint): string {
  const neg = d < 0n;
  const u = neg ? -d : d;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    const p = 10n ** BigInt(prec);
    const f = v % p;
    return [f === 0n ? "" : "." + f.toString().padStart(prec, "0").replace(/0+$/, ""), v / p];
  };
  let out: string;
  if (u === 0n) return "0s";
  if (u < 1_000_000_000n) {
    const [unit, prec] = u < 1_000n ? ["ns", 0] : u < 1_000_000n ? ["\u00b5s", 3] : ["ms", 6];
    const [f, i] = frac(u, prec);
    out = `${i}${f}${unit}`;
  } else {
    const [f, rest] = frac(u, 9);
    out = `${rest % 60n}${f}s`;
    let r = rest / 60n;
    if (r > 0n) {
      out = `${r % 60n}m${out}`;
      r /= 60n;
      if (r > 0n) out = `${r}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;

describe("parseDuration: valid", () => {
  it.each<[string, number]>([
    ["30s", 30 * SEC],
    ["5m", 5 * MIN],
    ["1h", HOUR],
    ["1h30m", 90 * MIN],
    ["1h30m15.5s", 90 * MIN + 15_500],
    ["1.5h", 90 * MIN],
    [".5h", 30 * MIN],
    ["1.h", HOUR],
    ["1h.5m", HOUR + 30 * SEC],
    ["500ms", 500],
    ["1500us", 1.5],
    ["1500\u00b5s", 1.5],
    ["1500\u03bcs", 1.5],
    ["1ns", 0.000001],
    ["2500000ns", 2.5],
    ["0", 0],
    ["-0", 0],
    ["+0", 0],
    ["0s", 0],
    ["-1.5h", -90 * MIN],
    ["+5m", 5 * MIN],
    ["1d", DAY],
    ["2d", 2 * DAY],
    ["1.5d", 1.5 * DAY],
    [".5d", 0.5 * DAY],
    ["1w", 7 * DAY],
    ["1M", 30 * DAY],
    ["3M", 90 * DAY],
    ["1Q", 90 * DAY],
    ["1Y", 365 * DAY],
    ["-1d", -DAY],
    ["daily", DAY],
    ["weekly", 7 * DAY],
    ["monthly", 30 * DAY],
    ["yearly", 365 * DAY],
    ["2562047h", 2562047 * HOUR],
    ["9223372036854775807ns", 9223372036854.775],
    ["-9223372036854775808ns", -9223372036854.775],
    ["106751d", 106751 * DAY],
    ["292Y", 292 * 365 * DAY],
  ])("%s → %d ms", (s, ms) => {
    expect(parseDuration(s)).toEqual({ ok: true, ms });
  });

  it("distinguishes m (minute) from M (month)", () => {
    expect(msOf("1m")).toBe(MIN);
    expect(msOf("1M")).toBe(30 * DAY);
  });
});

describe("parseDuration: invalid", () => {
  it.each([
    "", " 1h", "1h ", "1h 30m", "1 h", "\t1h", "1D", "1W", "1y", "1q", "1d12h", "12h1d", "abc", "1", "00", "h", "1.2.3s",
    "--1s", "+-1s", "1hh", ".", "-", "+", ".h", ".d", "1e3s", "1s-", "Daily", "daily ", "1constructor", "1toString",
    "1__proto__", "2562048h", "9223372036854775808ns", "106752d", "293Y", "99999999999999999999999h", "1,5h", "１h",
  ])("%j is rejected", (s) => {
    expect(parseDuration(s)).toEqual({ ok: false });
  });

  it("does not throw on non-string input", () => {
    expect(parseDuration(undefined as unknown as string)).toEqual({ ok: false });
    expect(parseDuration(42 as unknown as string)).toEqual({ ok: false });
  });
});

describe("validateResetDuration", () => {
  it("classifies results", () => {
    expect(validateResetDuration("0s")).toEqual({ ok: false, reason: "non_positive" });
    expect(validateResetDuration("0")).toEqual({ ok: false, reason: "non_positive" });
    expect(validateResetDuration("-1h")).toEqual({ ok: false, reason: "non_positive" });
    expect(validateResetDuration("-1d")).toEqual({ ok: false, reason: "non_positive" });
    expect(validateResetDuration("banana")).toEqual({ ok: false, reason: "format" });
    expect(validateResetDuration("")).toEqual({ ok: false, reason: "format" });
    expect(validateResetDuration("1h")).toEqual({ ok: true, ms: HOUR });
    expect(validateResetDuration("monthly")).toEqual({ ok: true, ms: 30 * DAY });
  });
});

describe("calendarUnit / calendarPeriod", () => {
  it.each<[string, CalendarUnit | null]>([
    ["1d", "day"], ["2d", "day"], ["daily", "day"], ["1w", "week"], ["weekly", "week"], ["1M", "month"],
    ["3M", "month"], ["monthly", "month"], ["1Q", "quarter"], ["1Y", "year"], ["yearly", "year"],
    ["1h", null], ["24h", null], ["30s", null], ["1.5d", null], ["1.d", null], ["0d", null], ["-1d", null],
    ["293Y", null], ["banana", null], ["1m", null],
  ])("%s → %s", (s, unit) => {
    expect(calendarUnit(s)).toBe(unit);
  });

  it("reports counts", () => {
    expect(calendarPeriod("3M")).toEqual({ unit: "month", count: 3 });
    expect(calendarPeriod("2w")).toEqual({ unit: "week", count: 2 });
    expect(calendarPeriod("yearly")).toEqual({ unit: "year", count: 1 });
    expect(calendarPeriod("1h")).toBeNull();
  });
});

describe("periodStart / addPeriods", () => {
  it("week starts on Monday 00:00Z", () => {
    expect(periodStart("week", D("2026-03-11T15:30:00Z"))).toEqual(D("2026-03-09T00:00:00Z")); // Wed
    expect(periodStart("week", D("2026-03-15T23:59:59.999Z"))).toEqual(D("2026-03-09T00:00:00Z")); // Sun
    expect(periodStart("week", D("2026-03-09T00:00:00Z"))).toEqual(D("2026-03-09T00:00:00Z")); // Mon
    expect(periodStart("week", D("2026-01-01T12:00:00Z"))).toEqual(D("2025-12-29T00:00:00Z")); // across year
  });

  it("day, month, quarter, year boundaries", () => {
    expect(periodStart("day", D("2026-03-11T23:59:59.999Z"))).toEqual(D("2026-03-11T00:00:00Z"));
    expect(periodStart("month", D("2026-01-31T10:00:00Z"))).toEqual(D("2026-01-01T00:00:00Z"));
    expect(periodStart("quarter", D("2026-03-31T23:59:59Z"))).toEqual(D("2026-01-01T00:00:00Z"));
    expect(periodStart("quarter", D("2026-04-01T00:00:00Z"))).toEqual(D("2026-04-01T00:00:00Z"));
    expect(periodStart("quarter", D("2026-08-15T00:00:00Z"))).toEqual(D("2026-07-01T00:00:00Z"));
    expect(periodStart("quarter", D("2026-12-31T00:00:00Z"))).toEqual(D("2026-10-01T00:00:00Z"));
    expect(periodStart("year", D("2026-12-31T23:59:59.999Z"))).toEqual(D("2026-01-01T00:00:00Z"));
    expect(periodStart("year", D("0050-06-01T00:00:00Z"))).toEqual(D("0050-01-01T00:00:00Z"));
  });

  it("handles leap years", () => {
    expect(periodStart("month", D("2024-02-29T23:59:59.999Z"))).toEqual(D("2024-02-01T00:00:00Z"));
    expect(addPeriods("month", D("2024-02-01T00:00:00Z"), 1)).toEqual(D("2024-03-01T00:00:00Z"));
    expect(addPeriods("month", D("2024-01-31T10:00:00Z"), 1)).toEqual(D("2024-02-29T10:00:00Z"));
    expect(addPeriods("month", D("2025-01-31T00:00:00Z"), 1)).toEqual(D("2025-02-28T00:00:00Z"));
    expect(addPeriods("year", D("2024-02-29T00:00:00Z"), 1)).toEqual(D("2025-02-28T00:00:00Z"));
    expect(addPeriods("day", D("2024-02-28T00:00:00Z"), 1)).toEqual(D("2024-02-29T00:00:00Z"));
    expect(addPeriods("quarter", D("2025-10-01T00:00:00Z"), 1)).toEqual(D("2026-01-01T00:00:00Z"));
  });
});

const w = (duration: string, lastReset: string, calendarAligned: boolean): ResetWindow => ({
  duration,
  lastReset: D(lastReset),
  calendarAligned,
});

describe("windows", () => {
  it("windowEnd: aligned and rolling", () => {
    expect(windowEnd(w("1M", "2026-01-31T10:00:00Z", true))).toEqual(D("2026-02-01T00:00:00Z"));
    expect(windowEnd(w("1M", "2026-01-31T10:00:00Z", false))).toEqual(D("2026-03-02T10:00:00Z"));
    expect(windowEnd(w("1M", "2024-02-15T00:00:00Z", true))).toEqual(D("2024-03-01T00:00:00Z"));
    expect(windowEnd(w("3M", "2026-02-15T08:00:00Z", true))).toEqual(D("2026-05-01T00:00:00Z"));
    expect(windowEnd(w("2d", "2026-03-10T15:00:00Z", true))).toEqual(D("2026-03-12T00:00:00Z"));
    expect(windowEnd(w("1w", "2026-03-11T15:00:00Z", true))).toEqual(D("2026-03-16T00:00:00Z"));
    expect(windowEnd(w("1Q", "2026-05-20T00:00:00Z", true))).toEqual(D("2026-07-01T00:00:00Z"));
    expect(windowEnd(w("yearly", "2024-02-29T12:00:00Z", true))).toEqual(D("2025-01-01T00:00:00Z"));
    expect(windowEnd(w("1h", "2026-03-11T15:10:00Z", true))).toEqual(D("2026-03-11T16:10:00Z")); // sub-day: rolling
    expect(windowEnd(w("1.5d", "2026-03-11T00:00:00Z", true))).toEqual(D("2026-03-12T12:00:00Z")); // fractional: rolling
    expect(windowEnd(w("1500us", "2026-03-11T00:00:00Z", false))).toEqual(D("2026-03-11T00:00:00.002Z")); // ceil ms
    expect(windowEnd(w("banana", "2026-03-11T00:00:00Z", false))).toBeNull();
    expect(windowEnd(w("0s", "2026-03-11T00:00:00Z", false))).toBeNull();
    expect(windowEnd(w("-1d", "2026-03-11T00:00:00Z", true))).toBeNull();
    expect(windowEnd({ duration: "1h", lastReset: new Date(NaN), calendarAligned: false })).toBeNull();
  });

  it("isExpired / nextResetAt / resetStart", () => {
    const a = w("1M", "2026-01-31T10:00:00Z", true);
    expect(isExpired(a, D("2026-01-31T23:59:59.999Z"))).toBe(false);
    expect(isExpired(a, D("2026-02-01T00:00:00Z"))).toBe(true);
    expect(nextResetAt(a, D("2026-01-31T12:00:00Z"))).toEqual(D("2026-02-01T00:00:00Z"));
    expect(nextResetAt(a, D("2026-04-10T12:00:00Z"))).toEqual(D("2026-05-01T00:00:00Z"));
    expect(resetStart(a, D("2026-04-10T12:00:00Z"))).toEqual(D("2026-04-01T00:00:00Z"));

    const r = w("1h", "2026-03-11T15:00:00Z", false);
    expect(isExpired(r, D("2026-03-11T15:59:59.999Z"))).toBe(false);
    expect(isExpired(r, D("2026-03-11T16:00:00Z"))).toBe(true);
    expect(nextResetAt(r, D("2026-03-11T15:30:00Z"))).toEqual(D("2026-03-11T16:00:00Z"));
    expect(nextResetAt(r, D("2026-03-11T18:20:00Z"))).toEqual(D("2026-03-11T19:20:00Z"));
    expect(resetStart(r, D("2026-03-11T18:20:00Z"))).toEqual(D("2026-03-11T18:20:00Z"));

    const bad = w("banana", "2026-03-11T15:00:00Z", true);
    expect(isExpired(bad, D("2100-01-01T00:00:00Z"))).toBe(false);
    expect(nextResetAt(bad, D("2026-03-11T15:00:00Z"))).toBeNull();
  });

  it("alignLastReset", () => {
    const now = D("2026-03-11T15:30:00Z");
    expect(alignLastReset("1d", now)).toEqual(D("2026-03-11T00:00:00Z"));
    expect(alignLastReset("weekly", now)).toEqual(D("2026-03-09T00:00:00Z"));
    expect(alignLastReset("1M", now)).toEqual(D("2026-03-01T00:00:00Z"));
    expect(alignLastReset("1Q", now)).toEqual(D("2026-01-01T00:00:00Z"));
    expect(alignLastReset("1Y", now)).toEqual(D("2026-01-01T00:00:00Z"));
    expect(alignLastReset("1h", now)).toEqual(now);
    expect(alignLastReset("banana", now)).toEqual(now);
  });

  it("compareDurations sorts shortest first, invalid last", () => {
    const sorted = ["1M", "banana", "1h", "daily", "30s", "0s", "1w", "60m"].sort(compareDurations);
    expect(sorted).toEqual(["30s", "1h", "60m", "daily", "1w", "1M", "banana", "0s"]);
    expect(compareDurations("1M", "30d")).toBe(0);
  });

  it("durationToSqlInterval", () => {
    expect(durationToSqlInterval("1h")).toBe("3600000 milliseconds");
    expect(durationToSqlInterval("1M")).toBe("2592000000 milliseconds");
    expect(durationToSqlInterval("1500us")).toBe("2 milliseconds");
    expect(durationToSqlInterval("292Y")).toBe("9208512000000 milliseconds");
    expect(durationToSqlInterval("banana")).toBeNull();
    expect(durationToSqlInterval("0s")).toBeNull();
    expect(durationToSqlInterval("-1h")).toBeNull();
  });
});

const GO_FACTORS: [string, number][] = [["ns", 1e-6], ["us", 1e-3], ["ms", 1], ["s", SEC], ["m", MIN], ["h", HOUR]];
const UNITS: CalendarUnit[] = ["day", "week", "month", "quarter", "year"];
const dateArb = fc.date({ min: D("2000-01-01T00:00:00Z"), max: D("2100-01-01T00:00:00Z"), noInvalidDate: true });
const durationArb = fc.oneof(
  fc.constantFrom("daily", "weekly", "monthly", "yearly", "1ns", "500us", "1500us", "1h30m", "1.5d"),
  fc.tuple(fc.integer({ min: 1, max: 100 }), fc.constantFrom("d", "w", "M", "Q", "Y")).map(([n, u]) => `${n}${u}`),
  fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom("ns", "us", "ms", "s", "m", "h")).map(
    ([n, u]) => `${n}${u}`,
  ),
);
const windowArb = fc.record({ duration: durationArb, lastReset: dateArb, calendarAligned: fc.boolean() });

describe("properties", () => {
  it("(a) n<unit> parses to n × factor", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) => {
        for (const [u, f] of GO_FACTORS) expect(msOf(`${n}${u}`)).toBeCloseTo(n * f, 9);
        expect(msOf(`${n}ms`)).toBe(n);
        expect(msOf(`${n}h`)).toBe(n * HOUR);
      }),
      RUNS,
    );
  });

  it("(b) compound h/m/s sums", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(100_000), (a, b, c) => {
        expect(msOf(`${a}h${b}m${c}s`)).toBe(a * HOUR + b * MIN + c * SEC);
      }),
      RUNS,
    );
  });

  it("(c) Go-style printing round-trips", () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_223_372_036_854, max: 9_223_372_036_854 }), (ms) => {
        expect(msOf(goFormat(BigInt(ms) * 1_000_000n))).toBe(ms);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (ns) => {
        expect(msOf(goFormat(ns))).toBe(nsToMs(ns));
      }),
      RUNS,
    );
  });

  it("(d) windowEnd > lastReset and expiry flips exactly at windowEnd", () => {
    fc.assert(
      fc.property(windowArb, (win) => {
        const end = windowEnd(win);
        expect(end).not.toBeNull();
        const e = end!.getTime();
        expect(e).toBeGreaterThan(win.lastReset.getTime());
        expect(isExpired(win, new Date(e))).toBe(true);
        expect(isExpired(win, new Date(e - 1))).toBe(false);
      }),
      RUNS,
    );
  });

  it("(e) periodStart brackets the date, is idempotent and lands on a boundary", () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNITS), dateArb, (u, d) => {
        const s = periodStart(u, d);
        const next = addPeriods(u, s, 1);
        expect(s.getTime()).toBeLessThanOrEqual(d.getTime());
        expect(d.getTime()).toBeLessThan(next.getTime());
        expect(periodStart(u, s)).toEqual(s);
        expect(periodStart(u, next)).toEqual(next);
        expect(s.toISOString().slice(10)).toBe("T00:00:00.000Z");
        if (u === "day") expect(s.toISOString().slice(0, 10)).toBe(d.toISOString().slice(0, 10));
        if (u === "week") expect(s.getUTCDay()).toBe(1);
        if (u !== "day" && u !== "week") expect(s.getUTCDate()).toBe(1);
        if (u === "quarter") expect(s.getUTCMonth() % 3).toBe(0);
        if (u === "year") expect(s.getUTCMonth()).toBe(0);
      }),
      RUNS,
    );
  });

  it("(f) nextResetAt is always in the future", () => {
    fc.assert(
      fc.property(windowArb, dateArb, (win, now) => {
        const next = nextResetAt(win, now);
        expect(next).not.toBeNull();
        expect(next!.getTime()).toBeGreaterThan(now.getTime());
        if (!isExpired(win, now)) expect(next).toEqual(windowEnd(win));
      }),
      RUNS,
    );
  });

  it("(g) parseDuration never throws on random strings", () => {
    const gram = fc.string({ unit: fc.constantFrom(..."0123456789.+-hmsnuµμdwMQY ".split("")), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), gram), (s) => {
        const r = parseDuration(s);
        if (r.ok) {
          expect(Number.isFinite(r.ms)).toBe(true);
          expect(/\s/.test(s)).toBe(false);
        }
        expect(() => validateResetDuration(s)).not.toThrow();
        expect(() => calendarUnit(s)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
