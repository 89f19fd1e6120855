/**
 * Read-only lists GET /api/governance/budgets and /rate-limits (spec §2.8, scenario 60): every row of
 * any owner, the list envelope, the paging rules of Part 1 §8 and from_memory maps. Other files write
 * to the same database concurrently, so assertions are about the rows created here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";

const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });

let vk: any;
let team: any;

beforeAll(async () => {
  team = (await rest("POST", "/api/governance/teams", {
    name: unique("team"),
    budget: { max_limit: 50, reset_duration: "1w" },
    rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" },
  })).body.team;
  vk = (await rest("POST", "/api/governance/virtual-keys", {
    name: unique("vk"),
    budget: { max_limit: 10, reset_duration: "1d" },
    rate_limit: { request_max_limit: 3, request_reset_duration: "1m" },
    provider_configs: [{ provider: "openai", budget: { max_limit: 2, reset_duration: "1h" } }],
  })).body.virtual_key;
});

describe("GET /api/governance/budgets", () => {
  it("60: lists every budget with count == len(budgets), in created_at order", async () => {
    const res = await rest("GET", "/api/governance/budgets");
    expect(res.status).toBe(200);
    const { budgets } = res.body;
    expect(res.body).toMatchObject({ count: budgets.length, total_count: budgets.length, limit: budgets.length, offset: 0 });
    const byId = new Map(budgets.map((b: any) => [b.id, b]));
    expect(byId.get(vk.budget.id)).toEqual(vk.budget);
    expect(byId.get(team.budget.id)).toEqual(team.budget);
    expect(byId.get(vk.provider_configs[0].budget.id)).toMatchObject({ max_limit: 2, reset_duration: "1h", current_usage: 0 });
    const times = budgets.map((b: any) => b.created_at);
    expect([...times].sort()).toEqual(times);
  });

  it("shows usage as stored in the database", async () => {
    await db.budget.update({ where: { id: vk.budget.id }, data: { currentUsage: 1.25 } });
    const res = await rest("GET", "/api/governance/budgets");
    expect(res.body.budgets.find((b: any) => b.id === vk.budget.id).current_usage).toBe(1.25);
  });

  it("pages with limit/offset; past the end is an empty page with the right total", async () => {
    const total = await db.budget.count();
    const page = await rest("GET", "/api/governance/budgets?limit=1");
    expect(page.body).toMatchObject({ count: 1, limit: 1, offset: 0 });
    expect(page.body.total_count).toBeGreaterThanOrEqual(total);
    const past = await rest("GET", "/api/governance/budgets?offset=1000000");
    expect(past.body).toMatchObject({ budgets: [], count: 0, limit: 25, offset: 1000000 });
    expect(past.body.total_count).toBeGreaterThanOrEqual(total);
  });

  it("bad paging → 400", async () => {
    expect((await rest("GET", "/api/governance/budgets?limit=x")).body).toEqual(envelope(400, "Invalid limit parameter: must be a number"));
    expect((await rest("GET", "/api/governance/budgets?offset=-2")).body).toEqual(envelope(400, "Invalid offset parameter: must be non-negative"));
  });

  it("from_memory=true is an object keyed by id", async () => {
    const res = await rest("GET", "/api/governance/budgets?from_memory=true");
    expect(Array.isArray(res.body.budgets)).toBe(false);
    expect(res.body.budgets[team.budget.id]).toMatchObject({ id: team.budget.id, max_limit: 50 });
    expect(res.body.count).toBe(Object.keys(res.body.budgets).length);
  });
});

describe("GET /api/governance/rate-limits", () => {
  it("60: lists every rate limit with count == len(rate_limits)", async () => {
    const res = await rest("GET", "/api/governance/rate-limits");
    expect(res.status).toBe(200);
    const list = res.body.rate_limits;
    expect(res.body).toMatchObject({ count: list.length, total_count: list.length, offset: 0 });
    const byId = new Map(list.map((r: any) => [r.id, r]));
    expect(byId.get(vk.rate_limit.id)).toEqual(vk.rate_limit);
    expect(byId.get(team.rate_limit.id)).toMatchObject({ token_max_limit: 1000, token_reset_duration: "1h", token_current_usage: 0 });
    expect(byId.get(team.rate_limit.id)).not.toHaveProperty("request_max_limit");
  });

  it("paging, bad paging and from_memory", async () => {
    const page = await rest("GET", "/api/governance/rate-limits?limit=2&offset=0");
    expect(page.body).toMatchObject({ count: 2, limit: 2, offset: 0 });
    expect(page.body.total_count).toBeGreaterThanOrEqual(2);
    expect((await rest("GET", "/api/governance/rate-limits?limit=-1")).body).toEqual(envelope(400, "Invalid limit parameter: must be non-negative"));
    const mem = await rest("GET", "/api/governance/rate-limits?from_memory=true");
    expect(mem.body.rate_limits[vk.rate_limit.id]).toMatchObject({ request_max_limit: 3 });
  });

  it("deleted owners take their rows out of both lists", async () => {
    await rest("DELETE", `/api/governance/virtual-keys/${vk.id}`);
    const budgets = (await rest("GET", "/api/governance/budgets")).body.budgets.map((b: any) => b.id);
    const rateLimits = (await rest("GET", "/api/governance/rate-limits")).body.rate_limits.map((r: any) => r.id);
    expect(budgets).not.toContain(vk.budget.id);
    expect(budgets).not.toContain(vk.provider_configs[0].budget.id);
    expect(rateLimits).not.toContain(vk.rate_limit.id);
    expect(budgets).toContain(team.budget.id);
  });
});
