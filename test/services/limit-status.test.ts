/** The one status rule every read uses (GraphQL fields and quota): reset-aware usage and override lapse. */
import { describe, expect, it } from "vitest";
import { budgetStatus, rateWindowStatus } from "../../src/services/limit-status.js";
import { budgetQuota } from "../../src/services/quota.js";

const now = new Date("2026-11-22T12:00:00.000Z");
const budget = (over: Partial<Parameters<typeof budgetStatus>[0]> = {}) => ({
  id: "b1",
  maxLimit: "10",
  currentUsage: "4",
  overrideAmount: null,
  overrideMode: null,
  overrideCyclesRemaining: null,
  resetDuration: "1h",
  calendarAligned: false,
  lastReset: new Date("2026-11-22T11:30:00.000Z"),
  ...over,
});

describe("budgetStatus", () => {
  it("counts usage in the current window against max_limit + override", () => {
    const s = budgetStatus(budget({ overrideAmount: "5", overrideMode: "forever" }), now);
    expect(s).toMatchObject({ expired: false, usage: 4, effectiveLimit: 15, remaining: 11, exhausted: false });
    expect(s.nextResetAt?.toISOString()).toBe("2026-11-22T12:30:00.000Z");
  });

  it("treats an expired window as fresh and lets a last-cycle override lapse with it", () => {
    const expired = { lastReset: new Date("2026-11-22T10:00:00.000Z"), currentUsage: "12" };
    const lastCycle = budgetStatus(budget({ ...expired, overrideAmount: "5", overrideMode: "cycles", overrideCyclesRemaining: 1 }), now);
    expect(lastCycle).toMatchObject({ expired: true, usage: 0, effectiveLimit: 10, remaining: 10 });
    const moreCycles = budgetStatus(budget({ ...expired, overrideAmount: "5", overrideMode: "cycles", overrideCyclesRemaining: 2 }), now);
    expect(moreCycles.effectiveLimit).toBe(15);
  });

  it("blocks at usage >= limit (Bifrost's rule) and quota reports the same numbers", () => {
    const b = budget({ currentUsage: "10" });
    expect(budgetStatus(b, now)).toMatchObject({ exhausted: true, remaining: 0, percentUsed: 100 });
    expect(budgetQuota(b, now)).toMatchObject({ currentUsage: 10, remaining: 0, overrideAmount: null, maxLimit: 10 });
    const lapsed = budget({ lastReset: new Date("2026-11-22T10:00:00.000Z"), overrideAmount: "5", overrideMode: "cycles", overrideCyclesRemaining: 1 });
    expect(budgetQuota(lapsed, now)).toMatchObject({ currentUsage: 0, remaining: 10, overrideAmount: null });
  });
});

describe("rateWindowStatus", () => {
  it("reports each window separately; a window without a max never blocks", () => {
    const r = {
      tokenMaxLimit: null,
      tokenResetDuration: "1h",
      tokenCurrentUsage: 500n,
      tokenLastReset: new Date("2026-11-22T11:59:00.000Z"),
      requestMaxLimit: 3n,
      requestResetDuration: "1m",
      requestCurrentUsage: 3n,
      requestLastReset: new Date("2026-11-22T11:59:30.000Z"),
      calendarAligned: false,
    };
    expect(rateWindowStatus(r, "token", now)).toMatchObject({ usage: 500, remaining: null, exhausted: false });
    expect(rateWindowStatus(r, "request", now)).toMatchObject({ usage: 3, remaining: 0, exhausted: true, maxLimit: 3 });
    expect(rateWindowStatus(r, "request", new Date("2026-11-22T12:00:30.000Z"))).toMatchObject({ expired: true, usage: 0, exhausted: false });
  });
});
