/**
 * Checks without estimates reserve a high percentile of the key+model's recent recorded usage (floors when
 * there is none), and settle to the real amounts on record, so a cap holds without estimates.
 */
import { afterAll, describe, expect, it } from "vitest";
import { configureEstimates, estimateOptions } from "../../src/services/estimates.js";
import { check, counters, createKey, record } from "./helpers.js";

const openai = { provider: "openai", model: "gpt-4o-mini" };

describe("estimate-less checks", () => {
  const defaults = { ...estimateOptions };
  afterAll(() => configureEstimates(defaults));

  it("reserve the 95th percentile of the key+model's recent records; explicit estimates win", async () => {
    const { key } = await createKey({ budget: { max_limit: 100, reset_duration: "1d" } });
    for (let i = 1; i <= 10; i++) {
      const c = await check(key, { ...openai, estimated_cost: 0 });
      await record(key, { ...openai, request_id: c.body.request_id, cost: i / 100, tokens: i * 10 });
    }
    expect((await check(key, openai)).body.reservation).toMatchObject({ cost: 0.1, tokens: 100, requests: 1 });
    expect((await check(key, { ...openai, estimated_cost: 0.5 })).body.reservation).toMatchObject({ cost: 0.5, tokens: 100 });
    expect((await check(key, { ...openai, model: "gpt-4o" })).body.reservation).toMatchObject({ cost: 0, tokens: 0 });
    configureEstimates({ floorCost: 0.05, floorTokens: 7 });
    expect((await check(key, { ...openai, model: "gpt-4o" })).body.reservation).toMatchObject({ cost: 0.05, tokens: 7 });
    configureEstimates(defaults);
  });

  it("a $1 key after 20 records of $0.01 under 500 concurrent estimate-less checks ends at <= $1.05", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 1, reset_duration: "1d" } });
    for (let i = 0; i < 20; i++) {
      const c = await check(key, { ...openai, estimated_cost: 0.01 });
      await record(key, { ...openai, request_id: c.body.request_id, cost: 0.01, tokens: 10 });
    }
    const statuses = await Promise.all(
      Array.from({ length: 500 }, async () => {
        const r = await check(key, openai);
        if (r.status === 200) await record(key, { ...openai, request_id: r.body.request_id, cost: 0.01, tokens: 10 });
        return r.status;
      }),
    );
    expect(statuses.filter((s) => s !== 200 && s !== 402)).toEqual([]);
    const spent = (await counters({ virtualKeyId: vkId })).budgets["1d"]!;
    expect(spent).toBeLessThanOrEqual(1.05);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(85);
  });
});
