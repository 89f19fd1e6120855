/**
 * Customers end to end: spec §5 scenarios 1–10 and 58 (Part 1: scenario 7 answers 400), the update
 * rules of §2.7 (budgets as on keys, rate limit replaced as a whole) and the delete cascade, each
 * checked against the database.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { normalize, readGolden } from "../helpers/shape.js";

const CUSTOMERS = "/api/governance/customers";
const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const failed = (reason: string) => envelope(400, `Failed to update customer: ${reason}`);
const MISSING = "00000000-0000-4000-8000-000000000000";
const put = (id: string, body: unknown) => rest("PUT", `${CUSTOMERS}/${id}`, body);

describe("spec §5 scenarios 1–10", () => {
  let acme: { id: string; name: string };

  beforeAll(async () => {
    acme = { id: "", name: unique("Acme") };
  });

  it("1: creates Acme with a monthly budget", async () => {
    const res = await rest("POST", CUSTOMERS, { name: acme.name, budget: { max_limit: 100, reset_duration: "1M" } });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Customer created successfully");
    const c = res.body.customer;
    expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.budget).toMatchObject({ max_limit: 100, current_usage: 0 });
    expect(c.budget_id).toBe(c.budget.id);
    acme.id = c.id;
  });

  it.each([
    ["2", {}, "Customer name is required"],
    ["3", "not-json", "Invalid JSON"],
    ["4", { budget: { max_limit: -5, reset_duration: "1d" } }, "Budget max_limit cannot be negative: -5.00"],
    ["5", { budget: { max_limit: 5, reset_duration: "banana" } }, "Invalid reset duration format: banana"],
    ["6", { rate_limit: { token_max_limit: 100 } }, "Invalid rate limit: rate limit token reset duration is required"],
    ["7", { budget: { max_limit: 0, reset_duration: "1d" } }, "budget max limit cannot be negative or zero: 0.00"],
  ])("%s: create validation → 400, nothing stored", async (n, body, message) => {
    const name = unique("X");
    const sent = typeof body === "string" || n === "2" ? body : { name, ...body };
    const res = await rest("POST", CUSTOMERS, sent);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
    expect(await db.customer.count({ where: { name } })).toBe(0);
  });

  it("8: list contains Acme with teams and virtual_keys arrays", async () => {
    const res = await rest("GET", CUSTOMERS);
    expect(res.status).toBe(200);
    const found = res.body.customers.find((c: any) => c.id === acme.id);
    expect(found).toMatchObject({ name: acme.name, teams: [], virtual_keys: [] });
    expect(res.body.count).toBe(res.body.customers.length);
  });

  it("9: search is a case-insensitive substring, paged", async () => {
    const res = await rest("GET", `${CUSTOMERS}?search=${encodeURIComponent(acme.name.toLowerCase().slice(1))}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 1, offset: 0, total_count: 1, count: 1 });
    expect(res.body.customers[0].id).toBe(acme.id);
  });

  it("10: unknown customer → 404", async () => {
    expect((await rest("GET", `${CUSTOMERS}/does-not-exist`)).body).toEqual(envelope(404, "Customer not found"));
  });

  it("from_memory=true returns an object keyed by customer id", async () => {
    const res = await rest("GET", `${CUSTOMERS}?from_memory=true`);
    expect(Array.isArray(res.body.customers)).toBe(false);
    expect(res.body.customers[acme.id]).toMatchObject({ id: acme.id, name: acme.name });
  });
});

describe("PUT /api/governance/customers/{id}", () => {
  it("renames, edits the budget partially (usage kept) and sets a rate limit", async () => {
    const c = (await rest("POST", CUSTOMERS, { name: unique("cust"), budget: { max_limit: 100, reset_duration: "1M" } })).body.customer;
    await db.budget.update({ where: { id: c.budget.id }, data: { currentUsage: 40 } });
    const name = unique("cust-renamed");
    const res = await put(c.id, { name, budget: { max_limit: 150 }, rate_limit: { request_max_limit: 100, request_reset_duration: "1h" } });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Customer updated successfully");
    expect(res.body.customer).toMatchObject({
      id: c.id,
      name,
      budget: { id: c.budget.id, max_limit: 150, reset_duration: "1M", current_usage: 40, last_reset: c.budget.last_reset },
      rate_limit: { request_max_limit: 100, request_reset_duration: "1h" },
    });
    expect((await db.customer.findUniqueOrThrow({ where: { id: c.id } })).name).toBe(name);
    expect(normalize(res.body)).toEqual(readGolden("put-customers", res.body));
  });

  it("budget {} removes it; creating needs both fields; rate limit without max is removed", async () => {
    const c = (await rest("POST", CUSTOMERS, {
      name: unique("cust"),
      budget: { max_limit: 10, reset_duration: "1d" },
      rate_limit: { token_max_limit: 10, token_reset_duration: "1h" },
    })).body.customer;
    const removed = await put(c.id, { budget: {}, rate_limit: { token_reset_duration: "1h", request_reset_duration: "1m" } });
    expect(removed.body.customer).not.toHaveProperty("budget");
    expect(removed.body.customer).not.toHaveProperty("rate_limit");
    expect(await db.budget.count({ where: { customerId: c.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { customerId: c.id } })).toBe(0);
    expect((await put(c.id, { budget: { reset_duration: "1d" } })).body).toEqual(failed("both max_limit and reset_duration are required when creating a new budget"));
    expect((await put(c.id, { budget: { max_limit: 0, reset_duration: "1d" } })).body).toEqual(failed("budget max limit cannot be negative or zero: 0.00"));
    expect((await put(c.id, { rate_limit: { request_max_limit: -1, request_reset_duration: "1m" } })).body).toEqual(
      failed("rate limit request max limit cannot be negative or zero: -1"),
    );
    expect(await db.budget.count({ where: { customerId: c.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { customerId: c.id } })).toBe(0);
    const created = await put(c.id, { budget: { max_limit: 3, reset_duration: "1d" } });
    expect(created.body.customer.budget).toMatchObject({ max_limit: 3, reset_duration: "1d", current_usage: 0 });
  });

  it("calendar_aligned on: usage kept, last_reset snapped to the month start", async () => {
    const c = (await rest("POST", CUSTOMERS, { name: unique("cust"), budget: { max_limit: 100, reset_duration: "1M" } })).body.customer;
    await db.budget.update({ where: { id: c.budget.id }, data: { currentUsage: 9 } });
    const res = await put(c.id, { calendar_aligned: true });
    expect(res.body.customer).toMatchObject({ calendar_aligned: true, budget: { calendar_aligned: true, current_usage: 9 } });
    const b = await db.budget.findUniqueOrThrow({ where: { id: c.budget.id } });
    expect(b.lastReset.getUTCDate()).toBe(1);
    expect(b.lastReset.toISOString().slice(10)).toBe("T00:00:00.000Z");
  });

  it("taken name, blank name, unknown field → 400; unknown id → 404", async () => {
    const taken = unique("cust");
    await rest("POST", CUSTOMERS, { name: taken });
    const c = (await rest("POST", CUSTOMERS, { name: unique("cust") })).body.customer;
    expect((await put(c.id, { name: taken })).body).toEqual(failed("a record with this name already exists. Please use a different value"));
    expect((await put(c.id, { name: " " })).body).toEqual(envelope(400, "Customer name is required"));
    expect((await put(c.id, { customer_id: MISSING })).body).toEqual(envelope(400, "Unknown field: customer_id"));
    expect((await put(c.id, "{bad")).body).toEqual(envelope(400, "Invalid JSON"));
    expect((await db.customer.findUniqueOrThrow({ where: { id: c.id } })).name).toBe(c.name);
    expect((await put(MISSING, { name: "x" })).body).toEqual(envelope(404, "Customer not found"));
    expect((await put("nope", {})).body).toEqual(envelope(404, "Customer not found"));
  });
});

describe("DELETE /api/governance/customers/{id} (scenario 58)", () => {
  it("detaches its keys and teams (they survive) and deletes its budgets and rate limit", async () => {
    const c = (await rest("POST", CUSTOMERS, {
      name: unique("cust"),
      budget: { max_limit: 10, reset_duration: "1d" },
      rate_limit: { request_max_limit: 5, request_reset_duration: "1m" },
    })).body.customer;
    const team = (await rest("POST", "/api/governance/teams", { name: unique("team"), customer_id: c.id, budget: { max_limit: 1, reset_duration: "1d" } })).body.team;
    const vk = (await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), customer_id: c.id })).body.virtual_key;
    const teamVk = (await rest("POST", "/api/governance/virtual-keys", { name: unique("vk"), team_id: team.id })).body.virtual_key;

    const res = await rest("DELETE", `${CUSTOMERS}/${c.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Customer deleted successfully" });
    expect(normalize(res.body)).toEqual(readGolden("delete-customers", res.body));

    expect(await db.customer.count({ where: { id: c.id } })).toBe(0);
    expect(await db.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({ customerId: null });
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: vk.id } })).toMatchObject({ customerId: null, teamId: null });
    expect(await db.virtualKey.findUniqueOrThrow({ where: { id: teamVk.id } })).toMatchObject({ teamId: team.id });
    expect(await db.budget.count({ where: { id: c.budget.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { id: c.rate_limit.id } })).toBe(0);
    expect(await db.budget.count({ where: { id: team.budget.id } })).toBe(1);

    const teamRead = await rest("GET", `/api/governance/teams/${team.id}`);
    expect(teamRead.body.team).not.toHaveProperty("customer_id");
    const vkRead = await rest("GET", `/api/governance/virtual-keys/${vk.id}`);
    expect(vkRead.body.virtual_key).not.toHaveProperty("customer_id");

    expect((await rest("DELETE", `${CUSTOMERS}/${c.id}`)).body).toEqual(envelope(404, "Customer not found"));
  });
});
