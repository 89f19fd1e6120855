/**
 * `Date#toISOString()`, about 4× faster for the timestamps a REST page carries (issue #13: 2,800 per 100-key
 * page took half of its serialization time). The date part comes from toISOString itself, cached per UTC day;
 * the time of day is arithmetic on the epoch milliseconds. Same output for every date, tested against
 * toISOString with fast-check (test/lib/iso-time.test.ts); an invalid date throws the same RangeError.
 */
const DAY_MS = 86_400_000;
const MAX_CACHED_DAYS = 4_096;
const days = new Map<number, string>();
const two = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const three = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

export function isoTime(d: Date): string {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return d.toISOString(); // throws RangeError: Invalid time value
  const day = Math.floor(ms / DAY_MS);
  let prefix = days.get(day);
  if (prefix === undefined) {
    const full = d.toISOString();
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    prefix = full.slice(0, full.indexOf("T") + 1);
    days.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${prefix}${two[h]}:${two[m]}:${two[s]}.${three[rest - s * 1000]}Z`;
}
