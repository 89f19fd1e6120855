/**
 * /api/governance/providers (spec §2.9): provider-level budgets and rate limits on providers created
 * through /api/providers; only governed providers are listed; update rules; delete keeps the provider.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../src/db/client.js";
import { rest } from "../helpers/app.js";
import { envelope, providerName, stable } from "../helpers/config-api.js";
import { readGolden } from "../helpers/shape.js";

const BASE = "/api/governance/providers";

async function newProvider(): Promise<string> {
  const name = providerName();
  expect((await rest("POST", "/api/providers", { provider: name })).status).toBe(200);
  return name;
}

const listed = async (name: string) => ((await rest("GET", BASE)).body.providers as any[]).find((p) => p.provider === name);

describe("provider governance", () => {
  it("PUT sets a budget and a rate limit; GET lists only governed providers", async () => {
    const [governed, plain] = [await newProvider(), await newProvider()];
    const res = await rest("PUT", `${BASE}/${governed}`, {
      budget: { max_limit: 100, reset_duration: "1M" },
      rate_limit: { request_max_limit: 600, request_reset_duration: "1m" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.message).toBe("Provider governance updated successfully");
    expect(res.body.provider).toMatchObject({
      provider: governed,
      budget: { max_limit: 100, reset_duration: "1M", current_usage: 0 },
      rate_limit: { request_max_limit: 600, request_reset_duration: "1m" },
    });
    expect(res.body.provider.budgets).toEqual([res.body.provider.budget]);
    expect(await db.budget.count({ where: { providerName: governed } })).toBe(1);
    expect(await db.rateLimit.count({ where: { providerName: governed } })).toBe(1);
    const s = stable(res.body, { [governed]: "<provider>" });
    expect(s).toEqual(readGolden("put-provider-governance", s));

    const list = await rest("GET", BASE);
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.providers)).toBe(true);
    expect(list.body.count).toBe(list.body.providers.length);
    expect(await listed(governed)).toEqual(res.body.provider);
    expect(await listed(plain)).toBeUndefined();
    expect(list.body.providers.every((p: any) => p.budget || p.rate_limit)).toBe(true);
  });

  it("several budgets (CURRENT): `budget` is the shortest window, `budgets` lists all", async () => {
    const name = await newProvider();
    const res = await rest("PUT", `${BASE}/${name}`, { budgets: [{ max_limit: 500, reset_duration: "1M" }, { max_limit: 30, reset_duration: "1d" }] });
    expect(res.status).toBe(200);
    expect(res.body.provider.budget).toMatchObject({ max_limit: 30, reset_duration: "1d" });
    expect(res.body.provider.budgets.map((b: any) => b.reset_duration).sort()).toEqual(["1M", "1d"]);
    expect(res.body.provider).not.toHaveProperty("rate_limit");
  });

  it("edits keep usage; no max in rate_limit removes it; `budget: {}` removes the budget", async () => {
    const name = await newProvider();
    const first = (await rest("PUT", `${BASE}/${name}`, { budget: { max_limit: 10, reset_duration: "1d" }, rate_limit: { token_max_limit: 5000, token_reset_duration: "1h" } })).body.provider;
    await db.budget.update({ where: { id: first.budget.id }, data: { currentUsage: 7.5 } });

    const edited = await rest("PUT", `${BASE}/${name}`, { budget: { max_limit: 20 }, rate_limit: { token_reset_duration: "1h" } });
    expect(edited.status).toBe(200);
    expect(edited.body.provider).toMatchObject({ budget: { id: first.budget.id, max_limit: 20, current_usage: 7.5, reset_duration: "1d" } });
    expect(edited.body.provider).not.toHaveProperty("rate_limit");
    expect(await db.rateLimit.count({ where: { providerName: name } })).toBe(0);

    const removed = await rest("PUT", `${BASE}/${name}`, { budget: {} });
    expect(removed.body.provider).toEqual({ provider: name });
    expect(await db.budget.count({ where: { providerName: name } })).toBe(0);
    expect(await listed(name)).toBeUndefined();
  });

  it.each([
    ["a new budget without duration", { budget: { max_limit: 5 } }, "Failed to update provider governance: both max_limit and reset_duration are required when creating a new budget"],
    ["a zero budget", { budget: { max_limit: 0, reset_duration: "1d" } }, "Failed to update provider governance: budget max limit cannot be negative or zero: 0.00"],
    ["a bad rate limit", { rate_limit: { request_max_limit: 5, request_reset_duration: "5x" } }, "Failed to update provider governance: invalid rate limit request reset duration format: 5x"],
    ["budget and budgets", { budget: { max_limit: 1, reset_duration: "1d" }, budgets: [] }, "use either budget or budgets, not both"],
    ["an unknown field", { budget_id: "x" }, "Unknown field: budget_id"],
  ])("PUT with %s → 400, nothing stored", async (_label, body, message) => {
    const name = await newProvider();
    const res = await rest("PUT", `${BASE}/${name}`, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope(400, message));
    expect(await db.budget.count({ where: { providerName: name } })).toBe(0);
    expect(await db.rateLimit.count({ where: { providerName: name } })).toBe(0);
  });

  it("unknown provider → 404 on PUT and DELETE", async () => {
    const name = providerName();
    expect((await rest("PUT", `${BASE}/${name}`, { budget: { max_limit: 1, reset_duration: "1d" } })).body).toEqual(envelope(404, "Provider not found"));
    expect((await rest("DELETE", `${BASE}/${name}`)).body).toEqual(envelope(404, "Provider not found"));
    expect(await db.budget.count({ where: { providerName: name } })).toBe(0);
  });

  it("DELETE removes budgets and rate limit but keeps the provider and its keys", async () => {
    const name = await newProvider();
    await rest("POST", `/api/providers/${name}/keys`, { name: "k", value: "env.K" });
    await rest("PUT", `${BASE}/${name}`, { budgets: [{ max_limit: 1, reset_duration: "1d" }, { max_limit: 9, reset_duration: "1w" }], rate_limit: { request_max_limit: 1, request_reset_duration: "1m" } });
    const res = await rest("DELETE", `${BASE}/${name}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Provider governance deleted successfully" });
    expect(await db.budget.count({ where: { providerName: name } })).toBe(0);
    expect(await db.rateLimit.count({ where: { providerName: name } })).toBe(0);
    expect(await db.provider.count({ where: { name } })).toBe(1);
    expect(await db.providerKey.count({ where: { provider: name } })).toBe(1);
    expect(await listed(name)).toBeUndefined();
  });
});
