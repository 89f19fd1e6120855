import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoTime } from "../../src/lib/iso-time.js";

// The whole range Date supports: ±8.64e15 ms (years −271821 … 275760), and the recent past/future densely.
const anyTime = fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 0, max: 4_102_444_800_000 }));

describe("isoTime", () => {
  it("equals Date#toISOString for every representable date", () => {
    fc.assert(
      fc.property(anyTime, (ms) => {
        const d = new Date(ms);
        expect(isoTime(d)).toBe(d.toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it("handles day boundaries, the epoch and negative times", () => {
    for (const ms of [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -86_400_001, 253402300799999, 253402300800000, -62167219200001]) {
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });

  it("throws the same RangeError for an invalid date", () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
