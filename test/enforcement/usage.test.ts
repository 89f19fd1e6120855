/**
 * POST /api/governance/usage (spec §3.6): what is charged where, idempotency, failed calls, settlement of the
 * check's reservation (including windows that reset in between), reservation expiry, override cycles.
 */
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/context.js";
import { db, onQuery } from "../../src/db/client.js";
import { checkAccess } from "../../src/services/enforcement.js";
import { configureEnforcement, sweepExpiredReservations } from "../../src/services/reservations.js";
import { recordUsage } from "../../src/services/usage.js";
import { check, counters, createChain, createKey, denial, record, unique } from "./helpers.js";

const openai = { provider: "openai", model: "gpt-4o-mini" };

describe("usage: accounting", () => {
  it("charges cost to every budget and tokens + one request to every rate limit of the chain", async () => {
    const provider = unique("p").toLowerCase();
    const model = unique("m");
    await db.provider.create({ data: { name: provider } });
    await db.budget.create({ data: { providerName: provider, maxLimit: 100, resetDuration: "1d" } });
    await db.rateLimit.create({ data: { providerName: provider, tokenMaxLimit: 1e6, tokenResetDuration: "1h" } });
    const specific = await db.modelConfig.create({ data: { modelName: model, provider, budgets: { create: { maxLimit: 100, resetDuration: "1d" } } } });
    const global = await db.modelConfig.create({ data: { modelName: model, provider: null, rateLimit: { create: { requestMaxLimit: 100, requestResetDuration: "1h" } } } });
    const c = await createChain({
      customer: { budget: { max_limit: 100, reset_duration: "1M" }, rate_limit: { request_max_limit: 100, request_reset_duration: "1h" } },
      team: { budgets: [{ max_limit: 100, reset_duration: "1d" }, { max_limit: 500, reset_duration: "1w" }] },
      vk: {
        budget: { max_limit: 100, reset_duration: "1d" },
        rate_limit: { token_max_limit: 1e6, token_reset_duration: "1h", request_max_limit: 100, request_reset_duration: "1m" },
        provider_configs: [{ provider, budget: { max_limit: 100, reset_duration: "1d" }, rate_limit: { token_max_limit: 1e6, token_reset_duration: "1h" } }],
      },
    });
    const pc = await db.providerConfig.findFirstOrThrow({ where: { virtualKeyId: c.vkId } });
    const id = unique("req");
    const r = await record(c.key, { provider, model, request_id: id, cost: 0.125, tokens: 321 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      message: "Usage recorded successfully",
      request_id: id,
      recorded: true,
      settled_reservation: false,
      charged: { cost: 0.125, tokens: 321, requests: 1 },
      cost_source: "reported", // issue 11: where the charged cost came from
      pricing_override_id: null,
    });
    expect(await counters({ providerName: provider })).toEqual({ budgets: { "1d": 0.125 }, tokens: 321, requests: 1 });
    expect(await counters({ modelConfigId: specific.id })).toEqual({ budgets: { "1d": 0.125 }, tokens: undefined, requests: undefined });
    expect(await counters({ modelConfigId: global.id })).toEqual({ budgets: {}, tokens: 321, requests: 1 });
    expect(await counters({ providerConfigId: pc.id })).toEqual({ budgets: { "1d": 0.125 }, tokens: 321, requests: 1 });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 0.125 }, tokens: 321, requests: 1 });
    expect(await counters({ teamId: c.teamId })).toEqual({ budgets: { "1d": 0.125, "1w": 0.125 }, tokens: undefined, requests: undefined });
    expect(await counters({ customerId: c.customerId })).toEqual({ budgets: { "1M": 0.125 }, tokens: 321, requests: 1 });
    const row = await db.usageRecord.findUniqueOrThrow({ where: { requestId: id } });
    expect(row).toMatchObject({ virtualKeyId: c.vkId, provider, model, tokens: 321n, success: true, reservedTokens: 0n });
    expect(Number(row.cost)).toBe(0.125);
  });

  it("a key attached directly to a customer charges that customer; another provider skips the provider config", async () => {
    const cust = await createChain({ customer: { budget: { max_limit: 10, reset_duration: "1d" } } });
    const { key, vkId } = await createKey({
      customer_id: cust.customerId,
      allow_all_providers: true,
      provider_configs: [{ provider: "openai", budget: { max_limit: 10, reset_duration: "1d" } }],
    });
    await record(key, { provider: "mistral", model: "mistral-large", request_id: unique("req"), cost: 2 });
    const pc = await db.providerConfig.findFirstOrThrow({ where: { virtualKeyId: vkId } });
    expect((await counters({ customerId: cust.customerId })).budgets).toEqual({ "1d": 2 });
    expect((await counters({ providerConfigId: pc.id })).budgets).toEqual({ "1d": 0 });
  });

  it("recording the same request_id again charges nothing, also when the duplicates race", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 100, reset_duration: "1d" }, rate_limit: { request_max_limit: 1000, request_reset_duration: "1h" } });
    const id = unique("req");
    expect((await record(key, { ...openai, request_id: id, cost: 1, tokens: 10 })).body.recorded).toBe(true);
    const again = await record(key, { ...openai, request_id: id, cost: 1, tokens: 10 });
    expect(again.body).toMatchObject({ message: "Usage already recorded for this request_id", recorded: false, charged: { cost: 0, tokens: 0, requests: 0 } });
    const racing = unique("req");
    const results = await Promise.all(Array.from({ length: 20 }, () => record(key, { ...openai, request_id: racing, cost: 1, tokens: 10 })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.filter((r) => r.body.recorded)).toHaveLength(1);
    expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1d": 2 }, tokens: 20, requests: 2 });
  });

  it("settles the reservation to the real amounts", async () => {
    const c = await createChain({ team: { budget: { max_limit: 10, reset_duration: "1w" } }, vk: { budget: { max_limit: 10, reset_duration: "1d" }, rate_limit: { token_max_limit: 10_000, token_reset_duration: "1h", request_max_limit: 10, request_reset_duration: "1h" } } });
    const ok = await check(c.key, { ...openai, estimated_cost: 0.5, estimated_tokens: 500 });
    const other = await check(c.key, { ...openai, estimated_cost: 0.25, estimated_tokens: 100 });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 0.75 }, tokens: 600, requests: 2 });
    const r = await record(c.key, { ...openai, request_id: ok.body.request_id, cost: 0.2, tokens: 120 });
    expect(r.body).toMatchObject({ recorded: true, settled_reservation: true });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 0.45 }, tokens: 220, requests: 2 });
    expect((await counters({ teamId: c.teamId })).budgets).toEqual({ "1w": 0.45 });
    expect(await db.reservation.findUnique({ where: { requestId: ok.body.request_id } })).toBeNull();
    const usage = await db.usageRecord.findUniqueOrThrow({ where: { requestId: ok.body.request_id } });
    expect([Number(usage.reservedCost), usage.reservedTokens]).toEqual([0.5, 500n]);
    // A failed call pays the cost and tokens it reports, not the request (spec §3.6), and gives the reservation back.
    const failed = await record(c.key, { ...openai, request_id: other.body.request_id, cost: 0.3, tokens: 50, success: false });
    expect(failed.body).toMatchObject({ recorded: true, settled_reservation: true, charged: { cost: 0.3, tokens: 50, requests: 0 } });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 0.5 }, tokens: 170, requests: 1 });
    expect(await db.usageRecord.findUniqueOrThrow({ where: { requestId: other.body.request_id } })).toMatchObject({ success: false, tokens: 50n });
  });

  it("a hold whose window reset before the record is not taken from the new window", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 10, reset_duration: "1h" }, rate_limit: { request_max_limit: 10, request_reset_duration: "1h" } });
    const a = await check(key, { ...openai, estimated_cost: 0.5 });
    // The window expires; B's check resets it (new epoch) and holds 0.25 in the new window.
    const past = new Date(Date.now() - 3_600_001);
    await db.budget.updateMany({ where: { virtualKeyId: vkId }, data: { lastReset: past } });
    await db.rateLimit.update({ where: { virtualKeyId: vkId }, data: { requestLastReset: past } });
    const b = await check(key, { ...openai, estimated_cost: 0.25 });
    expect(b.body.budgets[0]).toMatchObject({ current_usage: 0.25 });
    expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1h": 0.25 }, tokens: 0, requests: 1 });
    // A's real cost lands in the new window; A's hold vanished with the old one.
    await record(key, { ...openai, request_id: a.body.request_id, cost: 0.1 });
    expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1h": 0.35 }, tokens: 0, requests: 2 });
    // And when the window has expired at record time, the record resets it: usage = the real amount alone.
    await db.budget.updateMany({ where: { virtualKeyId: vkId }, data: { lastReset: past } });
    await record(key, { ...openai, request_id: b.body.request_id, cost: 0.05 });
    expect((await counters({ virtualKeyId: vkId })).budgets).toEqual({ "1h": 0.05 });
  });

  it("an unsettled reservation is released once it expires; a later record charges the real amount", async () => {
    const ctx = createContext();
    const { key, vkId } = await createKey({ budget: { max_limit: 10, reset_duration: "1d" }, rate_limit: { token_max_limit: 1000, token_reset_duration: "1d" } });
    // A TTL shorter than everyone else's (test files share the PostgreSQL database): sweeping at its expiry
    // releases only this file's reservations.
    configureEnforcement({ reservationTtlMs: 60_000 });
    try {
      const res = await checkAccess(ctx, key, { ...openai, estimatedCost: 2, estimatedTokens: 300 }, { vkMandatory: false });
      expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1d": 2 }, tokens: 300, requests: 1 });
      const stored = await db.reservation.findUniqueOrThrow({ where: { requestId: res.requestId } });
      await sweepExpiredReservations(new Date(stored.expiresAt.getTime() - 1));
      expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1d": 2 }, tokens: 300, requests: 1 });
      await sweepExpiredReservations(stored.expiresAt);
      expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1d": 0 }, tokens: 0, requests: 0 });
      expect(await db.reservation.findUnique({ where: { requestId: res.requestId } })).toBeNull();
      const late = await recordUsage(ctx, key, { ...openai, requestId: res.requestId, cost: 1.5, tokens: 200 }, { vkMandatory: false });
      expect(late).toMatchObject({ recorded: true, settledReservation: false });
      expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1d": 1.5 }, tokens: 200, requests: 1 });
    } finally {
      configureEnforcement({ reservationTtlMs: 5 * 60_000 });
    }
  });

  it("a window reset counts down a cycles override; its last cycle clears it", async () => {
    const { key, vkId } = await createKey({ budgets: [{ max_limit: 1, reset_duration: "1h" }, { max_limit: 5, reset_duration: "1d" }] });
    const past = new Date(Date.now() - 3_600_001);
    await db.budget.updateMany({ where: { virtualKeyId: vkId, resetDuration: "1h" }, data: { overrideAmount: 2, overrideMode: "cycles", overrideCyclesRemaining: 2, lastReset: past } });
    await db.budget.updateMany({ where: { virtualKeyId: vkId, resetDuration: "1d" }, data: { overrideAmount: 2, overrideMode: "cycles", overrideCyclesRemaining: 1, lastReset: new Date(Date.now() - 86_400_001) } });
    await record(key, { ...openai, request_id: unique("req"), cost: 0.5 });
    const rows = await db.budget.findMany({ where: { virtualKeyId: vkId }, orderBy: { resetDuration: "asc" } });
    expect(rows.map((b) => [b.resetDuration, Number(b.currentUsage), b.overrideAmount === null ? null : Number(b.overrideAmount), b.overrideMode, b.overrideCyclesRemaining])).toEqual([
      ["1d", 0.5, null, null, null],
      ["1h", 0.5, 2, "cycles", 1],
    ]);
  });
});

describe("usage: validation and statements", () => {
  it("needs a request_id and a provider; an unknown key is 403", async () => {
    const { key } = await createKey();
    expect((await record(key, { ...openai, cost: 1 })).body.error.message).toBe("request_id is required");
    expect((await record(key, { model: "gpt-4o", request_id: "x", cost: 1 })).body.error.message).toBe("provider is required (or a model of the form provider/model)");
    expect((await record(key, { ...openai, request_id: "x", cost: -1 })).status).toBe(400);
    expect((await record("sk-bf-nope", { ...openai, request_id: unique("req"), cost: 1 })).body).toEqual(denial("virtual_key_not_found", 403, "Virtual key not found"));
  });

  it("a check and a record are one SQL statement each once the key's configuration is cached", async () => {
    const c = await createChain({ customer: { budget: { max_limit: 10, reset_duration: "1M" } }, team: { budget: { max_limit: 10, reset_duration: "1w" } }, vk: { budget: { max_limit: 10, reset_duration: "1d" }, rate_limit: { request_max_limit: 100, request_reset_duration: "1m" } } });
    await check(c.key, openai); // loads and caches the configuration
    const seen: string[] = [];
    const stop = onQuery((sql) => seen.push(sql));
    try {
      const r = await check(c.key, { ...openai, estimated_cost: 0.01 });
      expect(r.status).toBe(200);
      expect(seen).toHaveLength(1);
      await record(c.key, { ...openai, request_id: r.body.request_id, cost: 0.01 });
      expect(seen).toHaveLength(2);
      expect(seen.every((s) => s.includes("FOR UPDATE"))).toBe(true);
    } finally {
      stop();
    }
  });
});
