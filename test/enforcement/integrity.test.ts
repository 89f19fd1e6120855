/**
 * Enforcement integrity (issue 8), each reproduction as a test: request-id replay and cross-key reuse (409
 * `request_id_conflict`), holds across admin edits (generations, not last_reset), usage never lost on
 * rotation/deletion, calendar_aligned reaching rate limits, failed calls paying what they report.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { check, counters, createChain, createKey, record, rest, unique } from "./helpers.js";

const openai = { provider: "openai", model: "gpt-4o-mini" };
const conflict = { type: "request_id_conflict", is_bifrost_error: false, status_code: 409 };

describe("request identity is (key, request_id)", () => {
  it("a recorded id is never admitted again: three replays past a 1-request cap are 409 and charge nothing", async () => {
    const { key, vkId } = await createKey({ rate_limit: { request_max_limit: 1, request_reset_duration: "1h" } });
    const id = unique("req");
    expect((await check(key, { ...openai, request_id: id })).status).toBe(200);
    expect((await record(key, { ...openai, request_id: id, cost: 0.1, tokens: 10 })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const again = await check(key, { ...openai, request_id: id });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject(conflict);
    }
    expect(await counters({ virtualKeyId: vkId })).toMatchObject({ requests: 1 });
    expect((await check(key, openai)).body.type).toBe("request_limited");
  });

  it("a retried check of the same key/provider/model while pending repeats the allow without a new hold", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 10, reset_duration: "1d" }, rate_limit: { request_max_limit: 5, request_reset_duration: "1h" } });
    const id = unique("req");
    expect((await check(key, { ...openai, request_id: id, estimated_cost: 2 })).body.reservation).toMatchObject({ cost: 2, requests: 1 });
    const retry = await check(key, { ...openai, request_id: id, estimated_cost: 2 });
    expect(retry.status).toBe(200);
    expect(retry.body.type).toBe("allow");
    expect(retry.body.reservation).toBeNull();
    expect(await counters({ virtualKeyId: vkId })).toEqual({ budgets: { "1d": 2 }, tokens: 0, requests: 1 });
    // Same key, another model: another request with the same id.
    expect((await check(key, { ...openai, model: "gpt-4o", request_id: id })).body).toMatchObject(conflict);
    expect(await db.reservation.count({ where: { requestId: id } })).toBe(1);
  });

  it("key B cannot use key A's pending id: its check and record are 409, A's record charges A", async () => {
    const a = await createKey({ budget: { max_limit: 10, reset_duration: "1d" } });
    const b = await createKey({ rate_limit: { request_max_limit: 1, request_reset_duration: "1h" } });
    expect((await check(b.key, openai)).status).toBe(200); // B is at its cap now
    const id = unique("req");
    expect((await check(a.key, { ...openai, request_id: id, estimated_cost: 1 })).status).toBe(200);
    expect((await check(b.key, { ...openai, request_id: id })).body).toMatchObject(conflict);
    const bRecord = await record(b.key, { ...openai, request_id: id, success: false });
    expect(bRecord.status).toBe(409);
    expect(bRecord.body).toMatchObject(conflict);
    const aRecord = await record(a.key, { ...openai, request_id: id, cost: 0.9 });
    expect(aRecord.body).toMatchObject({ recorded: true, settled_reservation: true });
    expect((await counters({ virtualKeyId: a.vkId })).budgets).toEqual({ "1d": 0.9 });
    expect(await counters({ virtualKeyId: b.vkId })).toMatchObject({ requests: 1 });
    // Recording A's id again: once only; from B: 409 (recorded by another key).
    expect((await record(a.key, { ...openai, request_id: id, cost: 0.9 })).body).toMatchObject({ recorded: false, charged: { cost: 0, tokens: 0, requests: 0 } });
    expect((await record(b.key, { ...openai, request_id: id, cost: 0.9 })).status).toBe(409);
    expect((await counters({ virtualKeyId: a.vkId })).budgets).toEqual({ "1d": 0.9 });
  });

  it("keyless requests share one scope: a keyed request cannot take a keyless id", async () => {
    const { key } = await createKey();
    const id = unique("req");
    expect((await check(undefined, { ...openai, request_id: id })).status).toBe(200);
    expect((await check(undefined, { ...openai, request_id: id })).body.type).toBe("allow");
    expect((await check(key, { ...openai, request_id: id })).status).toBe(409);
    expect((await record(key, { ...openai, request_id: id, cost: 1 })).status).toBe(409);
    expect((await record(undefined, { ...openai, request_id: id, cost: 1 })).body).toMatchObject({ recorded: true, settled_reservation: true });
  });
});

describe("holds survive admin edits", () => {
  it("check est. $5 → reset usage → record $3 leaves 3", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 100, reset_duration: "1d" } });
    const id = unique("req");
    await check(key, { ...openai, request_id: id, estimated_cost: 5 });
    expect((await rest("PUT", `/api/governance/virtual-keys/${vkId}`, { reset_budget_usage: true })).status).toBe(200);
    expect((await counters({ virtualKeyId: vkId })).budgets).toEqual({ "1d": 0 });
    await record(key, { ...openai, request_id: id, cost: 3 });
    expect((await counters({ virtualKeyId: vkId })).budgets).toEqual({ "1d": 3 });
  });

  it("check est. $5 → calendar_aligned on → record $1 leaves 1", async () => {
    const { key, vkId } = await createKey({ budget: { max_limit: 100, reset_duration: "1M" } });
    const id = unique("req");
    await check(key, { ...openai, request_id: id, estimated_cost: 5 });
    expect((await rest("PUT", `/api/governance/virtual-keys/${vkId}`, { calendar_aligned: true })).status).toBe(200);
    expect((await counters({ virtualKeyId: vkId })).budgets).toEqual({ "1M": 5 });
    await record(key, { ...openai, request_id: id, cost: 1 });
    expect((await counters({ virtualKeyId: vkId })).budgets).toEqual({ "1M": 1 });
  });
});

describe("usage is never lost", () => {
  it("check est. $1 → rotate → record $4 with the old value charges every level", async () => {
    const c = await createChain({
      customer: { budget: { max_limit: 100, reset_duration: "1d" } },
      team: { budget: { max_limit: 100, reset_duration: "1d" } },
      vk: { budget: { max_limit: 100, reset_duration: "1d" }, rate_limit: { token_max_limit: 1e6, token_reset_duration: "1h", request_max_limit: 10, request_reset_duration: "1h" } },
    });
    const id = unique("req");
    expect((await check(c.key, { ...openai, request_id: id, estimated_cost: 1, estimated_tokens: 10 })).status).toBe(200);
    const rotated = await rest("POST", `/api/governance/virtual-keys/${c.vkId}/rotate`);
    expect(rotated.status).toBe(200);
    const r = await record(c.key, { ...openai, request_id: id, cost: 4, tokens: 40 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ recorded: true, settled_reservation: true });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 4 }, tokens: 40, requests: 1 });
    expect((await counters({ teamId: c.teamId })).budgets).toEqual({ "1d": 4 });
    expect((await counters({ customerId: c.customerId })).budgets).toEqual({ "1d": 4 });
    expect((await record(c.key, { ...openai, request_id: id, cost: 4 })).body).toMatchObject({ recorded: false });
    // The key's new value is the same key: it may record a request reserved under the old value.
    const id2 = unique("req");
    expect((await check(rotated.body.virtual_key.value, { ...openai, request_id: id2, estimated_cost: 1 })).status).toBe(200);
    const again = await rest("POST", `/api/governance/virtual-keys/${c.vkId}/rotate`);
    expect((await check(again.body.virtual_key.value, { ...openai, request_id: id2 })).body.type).toBe("allow");
    expect((await record(again.body.virtual_key.value, { ...openai, request_id: id2, cost: 1 })).body).toMatchObject({ recorded: true, settled_reservation: true });
    expect((await counters({ virtualKeyId: c.vkId })).budgets).toEqual({ "1d": 5 });
    // Without a reservation an unknown key is still refused.
    expect((await record(c.key, { ...openai, request_id: unique("req"), cost: 4 })).status).toBe(403);
  });

  it("a deleted key's reservation still charges its team and customer; a deactivated key's record is charged", async () => {
    const c = await createChain({ customer: { budget: { max_limit: 100, reset_duration: "1d" } }, team: { budget: { max_limit: 100, reset_duration: "1d" } } });
    const id = unique("req");
    await check(c.key, { ...openai, request_id: id, estimated_cost: 1 });
    expect((await rest("DELETE", `/api/governance/virtual-keys/${c.vkId}`)).status).toBe(200);
    expect((await record(c.key, { ...openai, request_id: id, cost: 2 })).body).toMatchObject({ recorded: true, settled_reservation: true });
    expect((await counters({ teamId: c.teamId })).budgets).toEqual({ "1d": 2 });
    expect((await counters({ customerId: c.customerId })).budgets).toEqual({ "1d": 2 });

    const d = await createKey({ budget: { max_limit: 100, reset_duration: "1d" } });
    const id2 = unique("req");
    await check(d.key, { ...openai, request_id: id2, estimated_cost: 1 });
    expect((await rest("PUT", `/api/governance/virtual-keys/${d.vkId}`, { is_active: false })).status).toBe(200);
    expect((await record(d.key, { ...openai, request_id: id2, cost: 3 })).body).toMatchObject({ recorded: true, settled_reservation: true });
    expect((await counters({ virtualKeyId: d.vkId })).budgets).toEqual({ "1d": 3 });
  });
});

describe("calendar_aligned reaches rate limits (spec §3.5 CURRENT)", () => {
  const rl = { token_max_limit: 1000, token_reset_duration: "1d", request_max_limit: 10, request_reset_duration: "1h" };
  const midnight = () => {
    const d = new Date();
    d.setUTCHours(0, 0, 0, 0);
    return d.getTime();
  };

  it("on create, for keys, teams and customers", async () => {
    const cust = await rest("POST", "/api/governance/customers", { name: unique("c"), calendar_aligned: true, rate_limit: rl });
    const team = await rest("POST", "/api/governance/teams", { name: unique("t"), calendar_aligned: true, rate_limit: rl });
    const vk = await createKey({ calendar_aligned: true, rate_limit: rl });
    for (const owner of [{ customerId: cust.body.customer.id }, { teamId: team.body.team.id }, { virtualKeyId: vk.vkId }]) {
      const row = await db.rateLimit.findFirstOrThrow({ where: owner });
      expect(row.calendarAligned).toBe(true);
      expect(row.tokenLastReset.getTime()).toBe(midnight());
    }
  });

  it("on update, for keys, teams and customers (and back off)", async () => {
    const cust = await rest("POST", "/api/governance/customers", { name: unique("c"), rate_limit: rl });
    const team = await rest("POST", "/api/governance/teams", { name: unique("t"), rate_limit: rl });
    const vk = await createKey({ rate_limit: rl });
    const owners = [
      { path: `/api/governance/customers/${cust.body.customer.id}`, where: { customerId: cust.body.customer.id } },
      { path: `/api/governance/teams/${team.body.team.id}`, where: { teamId: team.body.team.id } },
      { path: `/api/governance/virtual-keys/${vk.vkId}`, where: { virtualKeyId: vk.vkId } },
    ];
    for (const o of owners) {
      expect((await db.rateLimit.findFirstOrThrow({ where: o.where })).calendarAligned).toBe(false);
      expect((await rest("PUT", o.path, { calendar_aligned: true })).status).toBe(200);
      const row = await db.rateLimit.findFirstOrThrow({ where: o.where });
      expect(row.calendarAligned).toBe(true);
      expect(row.tokenLastReset.getTime()).toBe(midnight());
      expect((await rest("PUT", o.path, { calendar_aligned: false })).status).toBe(200);
      expect((await db.rateLimit.findFirstOrThrow({ where: o.where })).calendarAligned).toBe(false);
    }
  });
});

describe("failed calls pay for what they used (spec §3.6)", () => {
  it("success:false, cost 2, tokens 500 charges cost and tokens, not the request", async () => {
    const c = await createChain({
      team: { budget: { max_limit: 100, reset_duration: "1d" } },
      vk: { budget: { max_limit: 100, reset_duration: "1d" }, rate_limit: { token_max_limit: 1e6, token_reset_duration: "1h", request_max_limit: 10, request_reset_duration: "1h" } },
    });
    const id = unique("req");
    await check(c.key, { ...openai, request_id: id, estimated_cost: 1 });
    const r = await record(c.key, { ...openai, request_id: id, success: false, cost: 2, tokens: 500 });
    expect(r.body).toMatchObject({ recorded: true, settled_reservation: true, charged: { cost: 2, tokens: 500, requests: 0 } });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 2 }, tokens: 500, requests: 0 });
    expect((await counters({ teamId: c.teamId })).budgets).toEqual({ "1d": 2 });
    // A failure that reports nothing charges nothing (and releases its hold).
    const id2 = unique("req");
    await check(c.key, { ...openai, request_id: id2, estimated_cost: 1 });
    await record(c.key, { ...openai, request_id: id2, success: false });
    expect(await counters({ virtualKeyId: c.vkId })).toEqual({ budgets: { "1d": 2 }, tokens: 500, requests: 0 });
  });
});
