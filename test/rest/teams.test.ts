/**
 * Teams end to end: spec §5 scenarios 11–23 and 57 in order (Part 1: scenario 19 answers 400 with the
 * reason), plus the team-specific update rules (§2.6: rate limit replaced as a whole, customer_id ""
 * detaches) and the delete cascade, each checked against the database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { normalize, readGolden } from "../helpers/shape.js";

const TEAMS = "/api/governance/teams";
const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const failed = (reason: string) => envelope(400, `Failed to update team: ${reason}`);
const MISSING = "00000000-0000-4000-8000-000000000000";
const put = (id: string, body: unknown) => rest("PUT", `${TEAMS}/${id}`, body);

describe("spec §5 scenarios 11–23", () => {
  let cust: string;
  let custName: string;
  let team: string;

  beforeAll(async () => {
    custName = unique("Acme");
    cust = (await rest("POST", "/api/governance/customers", { name: custName })).body.customer.id;
  });

  it("11: creates Eng under the customer with a weekly budget", async () => {
    const res = await rest("POST", TEAMS, { name: unique("Eng"), customer_id: cust, budget: { max_limit: 50, reset_duration: "1w" } });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Team created successfully");
    expect(res.body.team).toMatchObject({ customer_id: cust, customer: { name: custName }, budget: { reset_duration: "1w", max_limit: 50 } });
    team = res.body.team.id;
  });

  it("12–13: create validation → 400", async () => {
    expect((await rest("POST", TEAMS, { customer_id: cust })).body).toEqual(envelope(400, "Team name is required"));
    const name = unique("T2");
    const res = await rest("POST", TEAMS, { name, rate_limit: { request_max_limit: 0, request_reset_duration: "1m" } });
    expect(res.body).toEqual(envelope(400, "Invalid rate limit: rate limit request max limit cannot be negative or zero: 0"));
    expect(await db.team.count({ where: { name } })).toBe(0);
  });

  it("14: customer_id filters exactly", async () => {
    const other = (await rest("POST", TEAMS, { name: unique("Other") })).body.team.id;
    const res = await rest("GET", `${TEAMS}?customer_id=${cust}`);
    expect(res.status).toBe(200);
    expect(res.body.teams.map((t: any) => t.id)).toEqual([team]);
    expect(res.body.teams.every((t: any) => t.customer_id === cust)).toBe(true);
    expect(res.body.teams.map((t: any) => t.id)).not.toContain(other);
  });

  it("15: from_memory=true returns an object keyed by team id", async () => {
    const res = await rest("GET", `${TEAMS}?from_memory=true`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.teams)).toBe(false);
    expect(res.body.teams[team]).toMatchObject({ id: team, customer_id: cust });
    expect(res.body.count).toBe(Object.keys(res.body.teams).length);
  });

  it("16: get by id has budget and customer", async () => {
    const res = await rest("GET", `${TEAMS}/${team}`);
    expect(res.status).toBe(200);
    expect(res.body.team).toMatchObject({ id: team, budget: { max_limit: 50 }, customer: { id: cust } });
    expect(res.body.team.virtual_keys).toEqual([]);
  });

  it("17: partial budget edit keeps window, usage and last_reset", async () => {
    const b = await db.budget.findFirstOrThrow({ where: { teamId: team } });
    const lastReset = new Date("2026-02-03T04:05:06.007Z");
    await db.budget.update({ where: { id: b.id }, data: { currentUsage: 12.25, lastReset } });
    const res = await put(team, { budget: { max_limit: 75 } });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Team updated successfully");
    expect(res.body.team.budget).toMatchObject({ id: b.id, max_limit: 75, reset_duration: "1w", current_usage: 12.25, last_reset: lastReset.toISOString() });
    const stored = await db.budget.findUniqueOrThrow({ where: { id: b.id } });
    expect([Number(stored.maxLimit), stored.resetDuration, Number(stored.currentUsage)]).toEqual([75, "1w", 12.25]);
  });

  it("18: {} removes the budget; its id is gone from GET budgets", async () => {
    const b = await db.budget.findFirstOrThrow({ where: { teamId: team } });
    const res = await put(team, { budget: {} });
    expect(res.status).toBe(200);
    expect(res.body.team).not.toHaveProperty("budget");
    expect(res.body.team).not.toHaveProperty("budget_id");
    const budgets = await rest("GET", "/api/governance/budgets");
    expect(budgets.body.budgets.map((x: any) => x.id)).not.toContain(b.id);
    expect(await db.budget.count({ where: { teamId: team } })).toBe(0);
  });

  it("19: a new budget needs both fields → 400 with the reason (Bifrost: bare 500)", async () => {
    const res = await put(team, { budget: { max_limit: 10 } });
    expect(res.body).toEqual(failed("both max_limit and reset_duration are required when creating a new budget"));
    expect(await db.budget.count({ where: { teamId: team } })).toBe(0);
  });

  it("20: sets a rate limit", async () => {
    const res = await put(team, { rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" } });
    expect(res.body.team.rate_limit).toMatchObject({ token_max_limit: 1000, token_reset_duration: "1h" });
    expect((await db.rateLimit.findUniqueOrThrow({ where: { teamId: team } })).tokenMaxLimit).toBe(1000n);
  });

  it("21: no max given → the rate limit is removed, whatever durations are sent", async () => {
    const res = await put(team, { rate_limit: { token_reset_duration: "1h" } });
    expect(res.status).toBe(200);
    expect(res.body.team).not.toHaveProperty("rate_limit");
    expect(await db.rateLimit.count({ where: { teamId: team } })).toBe(0);
  });

  it("22: customer_id \"\" detaches; a value re-attaches", async () => {
    const off = await put(team, { customer_id: "" });
    expect(off.body.team).not.toHaveProperty("customer_id");
    expect((await db.team.findUniqueOrThrow({ where: { id: team } })).customerId).toBeNull();
    const on = await put(team, { customer_id: cust });
    expect(on.body.team).toMatchObject({ customer_id: cust, customer: { id: cust } });
    expect((await put(team, { name: unique("Eng") })).body.team.customer_id).toBe(cust);
  });

  it("23: unknown team → 404", async () => {
    expect((await put("nope", { name: "x" })).body).toEqual(envelope(404, "Team not found"));
    expect((await put(MISSING, { name: "x" })).body).toEqual(envelope(404, "Team not found"));
  });
});

describe("PUT /api/governance/teams/{id}", () => {
  it("replaces the whole rate limit (absent fields become null) and validates it", async () => {
    const t = (await rest("POST", TEAMS, {
      name: unique("team"),
      rate_limit: { token_max_limit: 1000, token_reset_duration: "1h", request_max_limit: 5, request_reset_duration: "1m" },
    })).body.team;
    const res = await put(t.id, { rate_limit: { request_max_limit: 7, request_reset_duration: "1m" } });
    expect(res.body.team.rate_limit).toMatchObject({ id: t.rate_limit.id, request_max_limit: 7 });
    expect(res.body.team.rate_limit).not.toHaveProperty("token_max_limit");
    const stored = await db.rateLimit.findUniqueOrThrow({ where: { teamId: t.id } });
    expect([stored.tokenMaxLimit, stored.tokenResetDuration, stored.requestMaxLimit]).toEqual([null, null, 7n]);
    expect((await put(t.id, { rate_limit: { token_max_limit: 0, token_reset_duration: "1h" } })).body).toEqual(
      failed("rate limit token max limit cannot be negative or zero: 0"),
    );
    expect((await put(t.id, { rate_limit: { request_max_limit: 3 } })).body).toEqual(failed("rate limit request reset duration is required"));
    expect((await db.rateLimit.findUniqueOrThrow({ where: { teamId: t.id } })).requestMaxLimit).toBe(7n);
  });

  it("rename to a taken name, unknown customer, bad budget → 400; nothing changed", async () => {
    const taken = unique("team");
    await rest("POST", TEAMS, { name: taken });
    const t = (await rest("POST", TEAMS, { name: unique("team"), budget: { max_limit: 5, reset_duration: "1d" } })).body.team;
    expect((await put(t.id, { name: taken })).body).toEqual(failed("a record with this name already exists. Please use a different value"));
    expect((await put(t.id, { customer_id: MISSING })).body).toEqual(failed(`Customer not found: ${MISSING}`));
    expect((await put(t.id, { budget: { max_limit: -3 } })).body).toEqual(failed("Budget max_limit cannot be negative: -3.00"));
    expect((await put(t.id, { budget: { reset_duration: "fortnight" } })).body).toEqual(failed("Invalid reset duration format: fortnight"));
    expect((await put(t.id, { name: "" })).body).toEqual(envelope(400, "Team name is required"));
    expect((await put(t.id, { customer: "x" })).body).toEqual(envelope(400, "Unknown field: customer"));
    expect(await db.team.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ name: t.name, customerId: null });
    expect(Number((await db.budget.findFirstOrThrow({ where: { teamId: t.id } })).maxLimit)).toBe(5);
  });

  it("budgets[] reconcile and reset_budget_usage work on teams too", async () => {
    const t = (await rest("POST", TEAMS, { name: unique("team"), budgets: [{ max_limit: 5, reset_duration: "1d" }] })).body.team;
    await db.budget.updateMany({ where: { teamId: t.id }, data: { currentUsage: 2 } });
    const res = await put(t.id, { budgets: [{ reset_duration: "1d", max_limit: 6 }, { reset_duration: "1M", max_limit: 60 }], reset_budget_usage: true });
    expect(res.status).toBe(200);
    const rows = await db.budget.findMany({ where: { teamId: t.id }, orderBy: { resetDuration: "asc" } });
    expect(rows.map((b) => [b.resetDuration, Number(b.maxLimit), Number(b.currentUsage)])).toEqual([["1M", 60, 0], ["1d", 6, 0]]);
    expect(rows.find((b) => b.resetDuration === "1d")!.id).toBe(t.budget.id);
    expect((await put(t.id, { budgets: [{ id: MISSING, max_limit: 1 }] })).body).toEqual(failed(`budget ${MISSING} does not belong to this team`));
  });

  it("records the golden response of an update", async () => {
    const cust = (await rest("POST", "/api/governance/customers", { name: unique("Acme") })).body.customer.id;
    const t = (await rest("POST", TEAMS, { name: unique("team"), budget: { max_limit: 5, reset_duration: "1d" } })).body.team;
    const res = await put(t.id, { name: unique("team-renamed"), customer_id: cust, budget: { max_limit: 9 }, rate_limit: { request_max_limit: 10, request_reset_duration: "1m" } });
    expect(res.status).toBe(200);
    expect(normalize(res.body)).toEqual(readGolden("put-teams", res.body));
  });
});

describe("DELETE /api/governance/teams/{id} (scenario 57)", () => {
  it("detaches the team's keys (they survive) and deletes its budgets and rate limit", async () => {
    const cust = (await rest("POST", "/api/governance/customers", { name: unique("Acme") })).body.customer.id;
    const t = (await rest("POST", TEAMS, {
      name: unique("team"),
      customer_id: cust,
      budget: { max_limit: 5, reset_duration: "1d" },
      rate_limit: { request_max_limit: 5, request_reset_duration: "1m" },
    })).body.team;
    const keys = [];
    for (let i = 0; i < 2; i++) {
      keys.push((await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), team_id: t.id, budget: { max_limit: 1, reset_duration: "1h" } })).body.virtual_key);
    }

    const res = await rest("DELETE", `${TEAMS}/${t.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Team deleted successfully" });
    expect(normalize(res.body)).toEqual(readGolden("delete-teams", res.body));

    expect(await db.team.count({ where: { id: t.id } })).toBe(0);
    const survivors = await db.virtualKey.findMany({ where: { id: { in: keys.map((k) => k.id) } } });
    expect(survivors.map((k) => k.teamId)).toEqual([null, null]);
    expect(await db.budget.count({ where: { id: { in: keys.map((k) => k.budget.id) } } })).toBe(2);
    const got = await rest("GET", `/api/governance/virtual-keys/${keys[0].id}`);
    expect(got.body.virtual_key).not.toHaveProperty("team_id");
    expect(got.body.virtual_key).not.toHaveProperty("team");

    const budgets = (await rest("GET", "/api/governance/budgets")).body.budgets.map((b: any) => b.id);
    const rateLimits = (await rest("GET", "/api/governance/rate-limits")).body.rate_limits.map((r: any) => r.id);
    expect(budgets).not.toContain(t.budget.id);
    expect(rateLimits).not.toContain(t.rate_limit.id);
    expect(await db.customer.count({ where: { id: cust } })).toBe(1);

    expect((await rest("DELETE", `${TEAMS}/${t.id}`)).body).toEqual(envelope(404, "Team not found"));
  });
});
