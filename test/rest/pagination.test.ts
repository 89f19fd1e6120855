/**
 * List parameters on every list route (spec §2.0/§2.1, Part 1 §8): limit clamping, 400 on bad values,
 * offsets, case-insensitive search, and the OR of team_id/customer_id on keys. Rows share a unique
 * name prefix so totals are exact although other files write to the same database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { rest, unique } from "../helpers/app.js";

const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const LISTS = [
  ["customers", "customers"],
  ["teams", "teams"],
  ["virtual-keys", "virtual_keys"],
  ["budgets", "budgets"],
  ["rate-limits", "rate_limits"],
] as const;

describe.each(LISTS)("GET /api/governance/%s paging", (resource, plural) => {
  const path = `/api/governance/${resource}`;

  it.each([
    ["limit=0", 25],
    ["limit=101", 100],
    ["limit=1000", 100],
    ["limit=7", 7],
    ["offset=0", 25],
  ])("%s → limit %i", async (qs, limit) => {
    const res = await rest("GET", `${path}?${qs}`);
    expect(res.status).toBe(200);
    expect(res.body.limit).toBe(limit);
    expect(res.body.offset).toBe(0);
    expect(Array.isArray(res.body[plural])).toBe(true);
    expect(res.body.count).toBeLessThanOrEqual(limit);
  });

  it.each([
    ["limit=-1", "Invalid limit parameter: must be non-negative"],
    ["offset=-5", "Invalid offset parameter: must be non-negative"],
    ["limit=abc", "Invalid limit parameter: must be a number"],
    ["limit=2.5", "Invalid limit parameter: must be a number"],
    ["offset=1e3", "Invalid offset parameter: must be a number"],
  ])("%s → 400", async (qs, message) => {
    const res = await rest("GET", `${path}?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
  });
});

describe.each([
  ["customers", "customers", (name: string) => ({ name })],
  ["teams", "teams", (name: string) => ({ name })],
  ["virtual-keys", "virtual_keys", (name: string) => ({ name })],
] as const)("GET /api/governance/%s search and offsets", (resource, plural, body) => {
  const path = `/api/governance/${resource}`;
  const prefix = unique(`Page-${resource}`);
  const ids: string[] = [];

  beforeAll(async () => {
    for (const n of ["a", "b", "c"]) {
      const res = await rest("POST", path, body(`${prefix}-${n}`));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const entity = Object.values(res.body as Record<string, { id?: string }>).find((v) => typeof v === "object" && v.id);
      ids.push(entity!.id!);
    }
  });

  const idsOf = (res: { body: any }) => (res.body[plural] as { id: string }[]).map((x) => x.id);

  it("search is a case-insensitive substring; total_count counts every match", async () => {
    const res = await rest("GET", `${path}?search=${encodeURIComponent(prefix.toUpperCase())}`);
    expect(idsOf(res)).toEqual(ids);
    expect(res.body).toMatchObject({ count: 3, total_count: 3, limit: 25, offset: 0 });
  });

  it("limit and offset select a window in created_at order", async () => {
    const res = await rest("GET", `${path}?search=${encodeURIComponent(prefix)}&limit=2&offset=1`);
    expect(idsOf(res)).toEqual(ids.slice(1));
    expect(res.body).toMatchObject({ count: 2, total_count: 3, limit: 2, offset: 1 });
  });

  it("an offset past the end gives an empty list with the right total", async () => {
    const res = await rest("GET", `${path}?search=${encodeURIComponent(prefix)}&offset=10`);
    expect(res.body).toEqual({ [plural]: [], count: 0, total_count: 3, limit: 25, offset: 10 });
  });

  it("a search without matches is an empty array, never null", async () => {
    const res = await rest("GET", `${path}?search=${encodeURIComponent(unique("nothing-matches"))}`);
    expect(res.body).toEqual({ [plural]: [], count: 0, total_count: 0, limit: 25, offset: 0 });
  });
});

describe("virtual key owner filters", () => {
  let cust: string;
  let team: string;
  let keys: Record<"team" | "direct" | "teamOfCustomer" | "none", string>;

  beforeAll(async () => {
    cust = (await rest("POST", "/api/governance/customers", { name: unique("cust") })).body.customer.id;
    team = (await rest("POST", "/api/governance/teams", { name: unique("team") })).body.team.id;
    const custTeam = (await rest("POST", "/api/governance/teams", { name: unique("team"), customer_id: cust })).body.team.id;
    const mk = async (owner: Record<string, string>) => (await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), ...owner })).body.virtual_key.id;
    keys = { team: await mk({ team_id: team }), direct: await mk({ customer_id: cust }), teamOfCustomer: await mk({ team_id: custTeam }), none: await mk({}) };
  });

  it("team_id and customer_id together combine with OR; customer_id matches direct keys only", async () => {
    const both = await rest("GET", `/api/governance/virtual-keys?team_id=${team}&customer_id=${cust}`);
    expect(both.body.virtual_keys.map((k: any) => k.id)).toEqual([keys.team, keys.direct]);
    expect(both.body).toMatchObject({ count: 2, total_count: 2, limit: 25, offset: 0 });
    const direct = await rest("GET", `/api/governance/virtual-keys?customer_id=${cust}`);
    expect(direct.body.virtual_keys.map((k: any) => k.id)).toEqual([keys.direct]);
    const byTeam = await rest("GET", `/api/governance/virtual-keys?team_id=${team}&limit=1&offset=1`);
    expect(byTeam.body).toMatchObject({ virtual_keys: [], count: 0, total_count: 1, limit: 1, offset: 1 });
  });

  it("an owner id that is not a uuid matches nothing", async () => {
    const res = await rest("GET", "/api/governance/virtual-keys?team_id=nope");
    expect(res.body).toEqual({ virtual_keys: [], count: 0, total_count: 0, limit: 25, offset: 0 });
  });

  it("teams: customer_id filter combines with search (AND)", async () => {
    const name = unique("Needle");
    const t = (await rest("POST", "/api/governance/teams", { name, customer_id: cust })).body.team.id;
    const res = await rest("GET", `/api/governance/teams?customer_id=${cust}&search=${encodeURIComponent(name.toLowerCase())}`);
    expect(res.body.teams.map((x: any) => x.id)).toEqual([t]);
    expect(res.body.total_count).toBe(1);
  });
});
