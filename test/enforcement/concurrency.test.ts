/**
 * Caps under concurrency inside one process (both engines), through the services: exact request caps,
 * budget overshoot bounded by (real − estimated) of the requests in flight, and no lost updates when checks
 * and records of one key interleave.
 */
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/context.js";
import { db, onQuery } from "../../src/db/client.js";
import { checkAccess } from "../../src/services/enforcement.js";
import { AccessDeniedError } from "../../src/services/errors.js";
import { recordUsage } from "../../src/services/usage.js";
import { counters, createChain, createKey, unique } from "./helpers.js";

const ctx = createContext();
const opts = { vkMandatory: false };
const target = { provider: "openai", model: "gpt-4o-mini" };

async function tryCheck(key: string, input: Record<string, unknown>): Promise<{ ok: true; requestId: string } | { ok: false; decision: string }> {
  try {
    const r = await checkAccess(ctx, key, { ...target, ...input }, opts);
    return { ok: true, requestId: r.requestId };
  } catch (err) {
    if (err instanceof AccessDeniedError) return { ok: false, decision: err.decision };
    throw err;
  }
}

describe("caps under concurrency (one process)", () => {
  it("2,000 concurrent checks against a request limit of 500 admit exactly 500", async () => {
    const { key, vkId } = await createKey({ rate_limit: { request_max_limit: 500, request_reset_duration: "1h" } });
    const results = await Promise.all(Array.from({ length: 2000 }, () => tryCheck(key, {})));
    expect(results.filter((r) => r.ok)).toHaveLength(500);
    expect(results.filter((r) => !r.ok && r.decision === "request_limited")).toHaveLength(1500);
    expect((await counters({ virtualKeyId: vkId })).requests).toBe(500);
  });

  it("concurrent checks of one key share statements (at most one round trip each)", async () => {
    const { key, vkId } = await createKey({ rate_limit: { request_max_limit: 10_000, request_reset_duration: "1h" } });
    await tryCheck(key, {}); // warm the configuration cache
    const statements: string[] = [];
    const stop = onQuery((sql) => statements.push(sql));
    try {
      const results = await Promise.all(Array.from({ length: 200 }, () => tryCheck(key, {})));
      expect(results.every((r) => r.ok)).toBe(true);
    } finally {
      stop();
    }
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.length).toBeLessThan(200);
    expect((await counters({ virtualKeyId: vkId })).requests).toBe(201);
  });

  it("a token cap admits checks while the estimated tokens held are below it", async () => {
    const { key, vkId } = await createKey({ rate_limit: { token_max_limit: 10_000, token_reset_duration: "1h" } });
    const results = await Promise.all(Array.from({ length: 300 }, () => tryCheck(key, { estimatedTokens: 100 })));
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect((await counters({ virtualKeyId: vkId })).tokens).toBe(10_000);
  });

  it("budget overshoot is at most Σ(real − estimated) of the requests in flight", async () => {
    const c = await createChain({ team: { budget: { max_limit: 1, reset_duration: "1d" } }, vk: { budget: { max_limit: 100, reset_duration: "1d" } } });
    // 300 concurrent checks estimating $0.01: the team budget ($1) admits exactly 100 ($1.00 held, then blocked).
    const checks = await Promise.all(Array.from({ length: 300 }, () => tryCheck(c.key, { estimatedCost: 0.01 })));
    const admitted = checks.filter((r): r is { ok: true; requestId: string } => r.ok);
    expect(admitted).toHaveLength(100);
    expect(checks.filter((r) => !r.ok && r.decision === "budget_exceeded")).toHaveLength(200);
    expect((await counters({ teamId: c.teamId })).budgets).toEqual({ "1d": 1 });
    // All 100 were in flight when the cap was reached; each really cost $0.03: the overshoot is 100 × $0.02.
    await Promise.all(admitted.map((a) => recordUsage(ctx, c.key, { ...target, requestId: a.requestId, cost: 0.03 }, opts)));
    expect((await counters({ teamId: c.teamId })).budgets).toEqual({ "1d": 3 });
    // With exact estimates there is no overshoot at all.
    const exact = await createChain({ team: { budget: { max_limit: 1, reset_duration: "1d" } } });
    const ok = (await Promise.all(Array.from({ length: 300 }, () => tryCheck(exact.key, { estimatedCost: 0.01 })))).filter((r): r is { ok: true; requestId: string } => r.ok);
    await Promise.all(ok.map((a) => recordUsage(ctx, exact.key, { ...target, requestId: a.requestId, cost: 0.01 }, opts)));
    expect((await counters({ teamId: exact.teamId })).budgets).toEqual({ "1d": 1 });
  });

  it("interleaved checks and records of one key lose no update", async () => {
    const c = await createChain({ customer: { budget: { max_limit: 1000, reset_duration: "1M" } }, vk: { rate_limit: { token_max_limit: 1e9, token_reset_duration: "1h", request_max_limit: 1e6, request_reset_duration: "1h" } } });
    let micro = 0;
    let tokens = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, w) => {
        for (let i = 0; i < 8; i++) {
          const r = await checkAccess(ctx, c.key, { ...target, estimatedCost: 0.005, estimatedTokens: 50, requestId: unique(`w${w}`) }, opts);
          const cost = 1 + ((w * 31 + i * 17) % 997);
          const tok = 1 + ((w + i * 3) % 91);
          await recordUsage(ctx, c.key, { ...target, requestId: r.requestId, cost: cost / 1e6, tokens: tok }, opts);
          micro += cost;
          tokens += tok;
        }
      }),
    );
    const vk = await counters({ virtualKeyId: c.vkId });
    expect([vk.tokens, vk.requests]).toEqual([tokens, 400]);
    expect(Math.round((await counters({ customerId: c.customerId })).budgets["1M"]! * 1e6)).toBe(micro);
    expect(await db.reservation.count({ where: { virtualKeyId: c.vkId } })).toBe(0);
    expect(await db.usageRecord.count({ where: { virtualKeyId: c.vkId } })).toBe(400);
  });
});
