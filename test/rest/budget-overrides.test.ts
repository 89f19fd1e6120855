/**
 * PUT/DELETE /api/governance/virtual-keys/{vk_id}/budgets/{budget_id}/override (spec §6): overrides on
 * the key's own budgets and its provider configs' budgets; anything else is 404; body validation.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest, unique } from "../helpers/app.js";
import { envelope } from "../helpers/config-api.js";
import { normalize, readGolden } from "../helpers/shape.js";

const path = (vk: string, budget: string) => `/api/governance/virtual-keys/${vk}/budgets/${budget}/override`;

async function newKey(extra: Record<string, unknown> = {}) {
  const res = await rest("POST", "/api/governance/virtual-keys", {
    name: unique("vk"),
    budget: { max_limit: 100, reset_duration: "1M" },
    provider_configs: [{ provider: "openai", budget: { max_limit: 10, reset_duration: "1d" } }],
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const vk = res.body.virtual_key;
  return { id: vk.id as string, name: vk.name as string, budget: vk.budget.id as string, pcBudget: vk.provider_configs[0].budget.id as string };
}

let key: Awaited<ReturnType<typeof newKey>>;
beforeAll(async () => {
  key = await newKey();
});

describe("budget overrides", () => {
  it("PUT cycles on the key's budget: stored, returned, and shown on later reads", async () => {
    const res = await rest("PUT", path(key.id, key.budget), { amount: 25, mode: "cycles", cycles: 4 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message).toBe("Budget override updated successfully");
    expect(res.body.budget).toMatchObject({ id: key.budget, max_limit: 100, override_amount: 25, override_mode: "cycles", override_cycles_remaining: 4 });
    expect(res.body.effective_max_limit).toBe(125);
    const row = await db.budget.findUniqueOrThrow({ where: { id: key.budget } });
    expect([Number(row.overrideAmount), row.overrideMode, row.overrideCyclesRemaining]).toEqual([25, "cycles", 4]);
    expect(normalize(res.body)).toEqual(readGolden("put-budget-override", res.body));

    const read = (await rest("GET", `/api/governance/virtual-keys/${key.id}`)).body.virtual_key;
    expect(read.budget).toMatchObject({ override_amount: 25, override_mode: "cycles", override_cycles_remaining: 4 });
    expect(read.provider_configs[0].budget).not.toHaveProperty("override_amount");
  });

  it("PUT forever on a provider config's budget touches only that budget; no cycle count shown", async () => {
    const k = await newKey();
    const res = await rest("PUT", path(k.id, k.pcBudget), { amount: 50, mode: "forever" });
    expect(res.status).toBe(200);
    expect(res.body.budget).toMatchObject({ id: k.pcBudget, override_amount: 50, override_mode: "forever" });
    expect(res.body.budget).not.toHaveProperty("override_cycles_remaining");
    expect(await db.budget.findUniqueOrThrow({ where: { id: k.pcBudget } })).toMatchObject({ overrideMode: "forever", overrideCyclesRemaining: null });
    expect(await db.budget.findUniqueOrThrow({ where: { id: k.budget } })).toMatchObject({ overrideAmount: null, overrideMode: null });
  });

  it("PUT again replaces the override (forever drops the cycle count); DELETE clears it", async () => {
    const k = await newKey();
    await rest("PUT", path(k.id, k.budget), { amount: 5, mode: "cycles", cycles: 2 });
    const replaced = await rest("PUT", path(k.id, k.budget), { amount: 7.5, mode: "forever" });
    expect(replaced.body.budget).toMatchObject({ override_amount: 7.5, override_mode: "forever" });
    expect(replaced.body.effective_max_limit).toBe(107.5);
    expect(await db.budget.findUniqueOrThrow({ where: { id: k.budget } })).toMatchObject({ overrideCyclesRemaining: null });

    const res = await rest("DELETE", path(k.id, k.budget));
    expect(res.status).toBe(200);
    expect(res.body.message).toBe("Budget override deleted successfully");
    expect(res.body.effective_max_limit).toBe(100); // the base again
    for (const f of ["override_amount", "override_mode", "override_cycles_remaining"]) expect(res.body.budget).not.toHaveProperty(f);
    expect(await db.budget.findUniqueOrThrow({ where: { id: k.budget } })).toMatchObject({ overrideAmount: null, overrideMode: null, overrideCyclesRemaining: null });
    expect((await rest("DELETE", path(k.id, k.budget))).status).toBe(200);
  });

  it.each([
    ["no amount", { mode: "forever" }, "amount is required"],
    ["a zero amount", { amount: 0, mode: "forever" }, "override amount must be greater than 0: 0"],
    ["a negative amount", { amount: -5, mode: "forever" }, "override amount must be greater than 0: -5"],
    ["a string amount", { amount: "25", mode: "forever" }, "Invalid value for amount: expected a number"],
    ["no mode", { amount: 5 }, "mode is required"],
    ["an unknown mode", { amount: 5, mode: "once" }, "invalid override mode 'once': must be 'cycles' or 'forever'"],
    ["cycles without a count", { amount: 5, mode: "cycles" }, "cycles is required when mode is 'cycles'"],
    ["a fractional count", { amount: 5, mode: "cycles", cycles: 1.5 }, "cycles must be a positive integer: 1.5"],
    ["a zero count", { amount: 5, mode: "cycles", cycles: 0 }, "cycles must be a positive integer: 0"],
    ["a count with forever", { amount: 5, mode: "forever", cycles: 3 }, "cycles is only allowed when mode is 'cycles'"],
    ["an unknown field", { amount: 5, mode: "forever", reason: "x" }, "Unknown field: reason"],
    ["invalid JSON", "{amount", "Invalid JSON"],
  ])("PUT with %s → 400, nothing stored", async (_label, body, message) => {
    const k = await newKey();
    const res = await rest("PUT", path(k.id, k.budget), body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
    expect(await db.budget.findUniqueOrThrow({ where: { id: k.budget } })).toMatchObject({ overrideAmount: null });
  });

  it("budgets not owned by the key → 404 Budget not found; unknown key → 404 Virtual key not found", async () => {
    const other = await newKey();
    const team = (await rest("POST", "/api/governance/teams", { name: unique("team"), budget: { max_limit: 5, reset_duration: "1d" } })).body.team;
    const body = { amount: 5, mode: "forever" };
    for (const budgetId of [other.budget, other.pcBudget, team.budget.id, "00000000-0000-4000-8000-000000000000", "nope"]) {
      for (const method of ["PUT", "DELETE"]) {
        expect((await rest(method, path(key.id, budgetId), method === "PUT" ? body : undefined)).body, `${method} ${budgetId}`).toEqual(envelope(404, "Budget not found"));
      }
    }
    for (const vkId of ["00000000-0000-4000-8000-000000000000", "nope"]) {
      expect((await rest("PUT", path(vkId, key.budget), body)).body).toEqual(envelope(404, "Virtual key not found"));
    }
    expect(await db.budget.count({ where: { id: { in: [other.budget, other.pcBudget, team.budget.id] }, NOT: { overrideAmount: null } } })).toBe(0);
  });
});
