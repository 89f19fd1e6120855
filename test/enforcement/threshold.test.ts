/** expiryThreshold (src/lib/duration.ts) agrees with isExpired for every last_reset: SQL decides expiry with `last_reset < T`. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expiryThreshold, isExpired } from "../../src/lib/duration.js";

const durations = ["1ms", "1s", "1m", "90s", "1h", "1.5h", "1h30m", "1d", "1.5d", "2d", "1w", "3w", "1M", "2M", "1Q", "1Y", "daily", "weekly", "monthly", "yearly", "0s", "-1h", "banana"];
const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((t) => new Date(t));

describe("expiryThreshold", () => {
  it("L < T exactly when the window with last_reset L has expired", () => {
    fc.assert(
      fc.property(fc.constantFrom(...durations), fc.boolean(), instant, instant, fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), (duration, calendarAligned, now, base, delta) => {
        const t = expiryThreshold({ duration, calendarAligned }, now);
        for (const lastReset of [base, new Date(now.getTime() + delta), ...(t ? [t, new Date(t.getTime() - 1), new Date(t.getTime() + 1)] : [])]) {
          expect(isExpired({ duration, lastReset, calendarAligned }, now)).toBe(t !== null && lastReset.getTime() < t.getTime());
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("gives exact boundaries", () => {
    const now = new Date("2026-03-15T10:20:30.456Z");
    expect(expiryThreshold({ duration: "1m", calendarAligned: false }, now)?.toISOString()).toBe("2026-03-15T10:19:30.457Z");
    expect(expiryThreshold({ duration: "1M", calendarAligned: true }, now)?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(expiryThreshold({ duration: "3M", calendarAligned: true }, now)?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(expiryThreshold({ duration: "1w", calendarAligned: true }, now)?.toISOString()).toBe("2026-03-09T00:00:00.000Z");
    expect(expiryThreshold({ duration: "1h", calendarAligned: true }, now)?.toISOString()).toBe("2026-03-15T09:20:30.457Z");
    expect(expiryThreshold({ duration: "0s", calendarAligned: false }, now)).toBeNull();
  });
});
