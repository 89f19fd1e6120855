/**
 * Bifrost `reset_duration` grammar (budgets and rate limits) and window arithmetic.
 * Pure and I/O-free. All durations are returned in milliseconds; all calendar maths is UTC.
 */

export type ParseResult = { ok: true; ms: number } | { ok: false };
export type ValidationResult = { ok: true; ms: number } | { ok: false; reason: "format" | "non_positive" };
export type CalendarUnit = "day" | "week" | "month" | "quarter" | "year";
export interface ResetWindow {
  duration: string;
  lastReset: Date;
  calendarAligned: boolean;
}

const NS_PER_MS = 1_000_000n;
const MAX_NS = (1n << 63n) - 1n; // Go int64 nanoseconds
const DAY_NS = 86_400_000_000_000n;
const DAY_MS = 86_400_000;
// Maps (not object literals) so that keys such as "constructor" are never found.
const GO_UNITS = new Map<string, bigint>([
  ["ns", 1n], ["us", 1_000n], ["\u00b5s", 1_000n], ["\u03bcs", 1_000n],
  ["ms", NS_PER_MS], ["s", 1_000_000_000n], ["m", 60_000_000_000n], ["h", 3_600_000_000_000n],
]);
const SUFFIX_UNITS = new Map<string, [bigint, CalendarUnit]>([
  ["d", [DAY_NS, "day"]], ["w", [7n * DAY_NS, "week"]], ["M", [30n * DAY_NS, "month"]],
  ["Q", [90n * DAY_NS, "quarter"]], ["Y", [365n * DAY_NS, "year"]],
]);
const ALIASES = new Map([["daily", "1d"], ["weekly", "1w"], ["monthly", "1M"], ["yearly", "1Y"]]);
const SUFFIX_RE = /^([+-]?)(\d*)(?:\.(\d*))?([dwMQY])$/;
const CALENDAR_RE = /^\+?(\d+)([dwMQY])$/;

/** Exact nanoseconds of one `<int>.<frac><unit>` term; fraction digits past ns precision truncate (like Go). */
function termNs(int: string, frac: string, unit: bigint): bigint | null {
  const i = int.replace(/^0+/, "");
  if (i.length > 20) return null; // certainly overflows int64
  const f = frac.slice(0, 30);
  let v = BigInt(i || "0") * unit;
  if (f) v += (BigInt(f) * unit) / 10n ** BigInt(f.length);
  return v;
}

/** Parses to exact signed nanoseconds, or null when invalid / out of int64 range. */
function parseNs(input: string): bigint | null {
  if (typeof input !== "string") return null;
  const s0 = ALIASES.get(input) ?? input;
  const sm = SUFFIX_RE.exec(s0);
  if (sm) {
    const [, sign = "", int = "", frac = "", unit = ""] = sm;
    const u = SUFFIX_UNITS.get(unit);
    if ((!int && !frac) || !u) return null;
    const v = termNs(int, frac, u[0]);
    if (v === null || v > (sign === "-" ? MAX_NS + 1n : MAX_NS)) return null;
    return sign === "-" ? -v : v;
  }
  // Go time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ , or a bare "0".
  const neg = s0[0] === "-";
  const s = neg || s0[0] === "+" ? s0.slice(1) : s0;
  if (s === "0") return 0n;
  if (s === "") return null;
  const limit = neg ? MAX_NS + 1n : MAX_NS;
  const re = /(\d*)(?:\.(\d*))?([^\d.]*)/y;
  let total = 0n;
  while (re.lastIndex < s.length) {
    const m = re.exec(s);
    if (!m) return null;
    const [, int = "", frac = "", unit = ""] = m;
    const u = GO_UNITS.get(unit);
    if ((!int && !frac) || u === undefined) return null; // also stops empty matches
    const v = termNs(int, frac, u);
    if (v === null) return null;
    total += v;
    if (total > limit) return null;
  }
  return neg ? -total : total;
}

function nsToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
}

/** Positive window length in whole ms, rounded up so sub-ms windows still advance the clock. */
function positiveWindowMs(s: string): number | null {
  const ns = parseNs(s);
  return ns === null || ns <= 0n ? null : Number((ns + NS_PER_MS - 1n) / NS_PER_MS);
}

/** Parses a Bifrost duration into milliseconds (may be fractional or negative). Never throws. */
export function parseDuration(s: string): ParseResult {
  const ns = parseNs(s);
  return ns === null ? { ok: false } : { ok: true, ms: nsToMs(ns) };
}

/** Validates a `reset_duration`: must parse and be strictly positive. `ms` in milliseconds. */
export function validateResetDuration(s: string): ValidationResult {
  const ns = parseNs(s);
  if (ns === null) return { ok: false, reason: "format" };
  if (ns <= 0n) return { ok: false, reason: "non_positive" };
  return { ok: true, ms: nsToMs(ns) };
}

/** Calendar period and count for single-term suffix forms with a positive integer count (`3M` → month×3); else null. */
export function calendarPeriod(s: string): { unit: CalendarUnit; count: number } | null {
  if (typeof s !== "string" || parseNs(s) === null) return null;
  const m = CALENDAR_RE.exec(ALIASES.get(s) ?? s);
  const u = m ? SUFFIX_UNITS.get(m[2] ?? "") : undefined;
  const count = Number(m?.[1]);
  return u && count >= 1 ? { unit: u[1], count } : null;
}

/** The UTC calendar unit a duration aligns to when `calendar_aligned` is on, or null (rolling window). */
export function calendarUnit(s: string): CalendarUnit | null {
  return calendarPeriod(s)?.unit ?? null;
}

function utc(y: number, m: number, d: number): Date {
  const r = new Date(0);
  r.setUTCFullYear(y, m, d); // unlike Date.UTC, no 1900 offset for years 0..99
  return r;
}

/** Start (00:00:00.000 UTC) of the period containing `at`: day, Monday, 1st of month, Jan/Apr/Jul/Oct 1st, Jan 1st. */
export function periodStart(unit: CalendarUnit, at: Date): Date {
  const [y, m, d] = [at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()];
  switch (unit) {
    case "day": return utc(y, m, d);
    case "week": return utc(y, m, d - ((at.getUTCDay() + 6) % 7));
    case "month": return utc(y, m, 1);
    case "quarter": return utc(y, m - (m % 3), 1);
    case "year": return utc(y, 0, 1);
  }
}

/** Adds `n` UTC calendar periods to `from`; month-based units clamp the day (Jan 31 + 1 month → Feb 28/29). */
export function addPeriods(unit: CalendarUnit, from: Date, n: number): Date {
  const t = from.getTime();
  if (unit === "day" || unit === "week") return new Date(t + n * (unit === "day" ? 1 : 7) * DAY_MS);
  const months = n * (unit === "month" ? 1 : unit === "quarter" ? 3 : 12);
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const day = Math.min(from.getUTCDate(), utc(y, m + 1, 0).getUTCDate());
  return new Date(utc(y, m, day).getTime() + (((t % DAY_MS) + DAY_MS) % DAY_MS));
}

/** Calendar spec used for a window, or null when it is a rolling window. */
function alignedPeriod(w: ResetWindow): { unit: CalendarUnit; count: number } | null {
  return w.calendarAligned ? calendarPeriod(w.duration) : null;
}

/**
 * End of the window (exclusive, UTC). Rolling: `lastReset + ceil(ms)`. Aligned: `count` periods after
 * `periodStart(unit, lastReset)`. Null when the duration is invalid/non-positive or the date is invalid.
 */
export function windowEnd(w: ResetWindow): Date | null {
  const ms = positiveWindowMs(w.duration);
  const t = w.lastReset.getTime();
  if (ms === null || !Number.isFinite(t)) return null;
  const cal = alignedPeriod(w);
  const end = cal ? addPeriods(cal.unit, periodStart(cal.unit, w.lastReset), cal.count) : new Date(t + ms);
  return Number.isFinite(end.getTime()) ? end : null;
}

/** True when `now >= windowEnd(w)`; false for windows with an invalid duration. */
export function isExpired(w: ResetWindow, now: Date): boolean {
  const end = windowEnd(w);
  return end !== null && now.getTime() >= end.getTime();
}

/** The `last_reset` to store when the window is reset at `now`: `now` (rolling) or `periodStart(unit, now)` (aligned). */
export function resetStart(w: ResetWindow, now: Date): Date {
  const cal = alignedPeriod(w);
  return cal ? periodStart(cal.unit, now) : new Date(now.getTime());
}

/** Next reset instant (UTC): the current window end, or if already expired the end of the window a reset at `now` starts. */
export function nextResetAt(w: ResetWindow, now: Date): Date | null {
  const end = windowEnd(w);
  if (end === null || now.getTime() < end.getTime()) return end;
  return windowEnd({ ...w, lastReset: resetStart(w, now) });
}

/** `last_reset` to adopt when a window becomes calendar-aligned: `periodStart(unit, now)`, or `now` if not alignable. */
export function alignLastReset(duration: string, now: Date): Date {
  const unit = calendarUnit(duration);
  return unit ? periodStart(unit, now) : new Date(now.getTime());
}

/** Comparator ordering durations by nominal length, shortest first; invalid/non-positive durations sort last. */
export function compareDurations(a: string, b: string): number {
  const x = parseNs(a);
  const y = parseNs(b);
  const xv = x !== null && x > 0n;
  const yv = y !== null && y > 0n;
  if (xv && yv) return x < y ? -1 : x > y ? 1 : 0;
  return xv ? -1 : yv ? 1 : 0;
}

/** PostgreSQL interval literal for a rolling window, in whole ms (same rounding as `windowEnd`), e.g. `"3600000 milliseconds"`. */
export function durationToSqlInterval(s: string): string | null {
  const ms = positiveWindowMs(s);
  return ms === null ? null : `${ms} milliseconds`;
}

/**
 * The instant T such that a window of this duration whose `last_reset` is L has expired at `now` exactly
 * when `L < T` (same rule as `isExpired`, for every L). Lets SQL decide expiry with one comparison.
 * Rolling: `now - ceil(ms) + 1 ms`. Aligned (`count` periods): `periodStart(unit, now) - (count - 1)` periods.
 * Null when the duration is invalid or non-positive (such a window never expires).
 */
export function expiryThreshold(w: { duration: string; calendarAligned: boolean }, now: Date): Date | null {
  const ms = positiveWindowMs(w.duration);
  if (ms === null || !Number.isFinite(now.getTime())) return null;
  const cal = w.calendarAligned ? calendarPeriod(w.duration) : null;
  const t = cal ? addPeriods(cal.unit, periodStart(cal.unit, now), 1 - cal.count) : new Date(now.getTime() - ms + 1);
  return Number.isFinite(t.getTime()) ? t : null;
}
