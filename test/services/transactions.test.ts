/** A failure in any nested part of a create rolls the whole create back: no key, no orphan budgets or limits. */
import { describe, expect, it } from "vitest";
import { createContext } from "../../src/context.js";
import { db } from "../../src/db/client.js";
import { ValidationError } from "../../src/services/errors.js";
import { createTeam } from "../../src/services/teams.js";
import { createVirtualKey } from "../../src/services/virtual-keys.js";
import { unique } from "../helpers/app.js";
import { createMcpClient, createProviderKey } from "../helpers/factories.js";

const ctx = createContext();
/** A max_limit nobody else uses, so rows can be counted while other files share the database. */
const marker = () => Number((1000 + Math.random() * 1000).toFixed(6));

async function leftovers(name: string, limit: number) {
  return {
    keys: await db.virtualKey.count({ where: { name } }),
    budgets: await db.budget.count({ where: { maxLimit: limit } }),
    rateLimits: await db.rateLimit.count({ where: { tokenMaxLimit: BigInt(Math.round(limit * 1000)) } }),
  };
}

describe("createVirtualKey is one transaction", () => {
  it("rolls back key, budgets, rate limits and provider configs when the MCP step fails", async () => {
    const name = unique("vk");
    const limit = marker();
    const key = await createProviderKey();
    const input = {
      name,
      budget: { maxLimit: limit, resetDuration: "1d" },
      rateLimit: { tokenMaxLimit: Math.round(limit * 1000), tokenResetDuration: "1h" },
      providerConfigs: [{ provider: "openai", keyIds: [key.keyId], budget: { maxLimit: limit, resetDuration: "1h" } }],
      mcpConfigs: [{ mcpClientName: unique("missing-mcp") }],
    };
    await expect(createVirtualKey(ctx, input)).rejects.toThrow(ValidationError);
    expect(await leftovers(name, limit)).toEqual({ keys: 0, budgets: 0, rateLimits: 0 });
    expect(await db.providerConfigKey.count({ where: { providerKeyId: key.id } })).toBe(0);

    const mcp = await createMcpClient();
    const ok = await createVirtualKey(ctx, { ...input, mcpConfigs: [{ mcpClientName: mcp.name }] });
    expect(ok.key.name).toBe(name);
    expect(await leftovers(name, limit)).toEqual({ keys: 1, budgets: 2, rateLimits: 1 });
  });

  it("rolls back when the second provider config references unknown keys", async () => {
    const name = unique("vk");
    const limit = marker();
    await expect(
      createVirtualKey(ctx, {
        name,
        budget: { maxLimit: limit, resetDuration: "1d" },
        providerConfigs: [
          { provider: "anthropic", budget: { maxLimit: limit, resetDuration: "1h" } },
          { provider: "openai", keyIds: ["00000000-0000-4000-8000-000000000000"] },
        ],
      }),
    ).rejects.toThrow("some keys not found for provider openai: expected 1, found 0");
    expect(await leftovers(name, limit)).toEqual({ keys: 0, budgets: 0, rateLimits: 0 });
  });

  it("returns the full value once and stores only its hash", async () => {
    const created = await createVirtualKey(ctx, { name: unique("vk") });
    const row = await db.virtualKey.findUniqueOrThrow({ where: { id: created.key.id } });
    expect(created.value).toMatch(/^sk-bf-[0-9a-f-]{36}$/);
    expect(row.valueHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.value.slice(6));
    expect(row.valuePrefix + "…" + row.valueSuffix).toBe(`${created.value.slice(0, 10)}…${created.value.slice(-4)}`);
  });
});

describe("createTeam", () => {
  it("creates nothing when the customer does not exist", async () => {
    const name = unique("team");
    const limit = marker();
    await expect(
      createTeam(ctx, { name, customerId: "00000000-0000-4000-8000-000000000000", budget: { maxLimit: limit, resetDuration: "1d" } }),
    ).rejects.toThrow("Customer not found");
    expect(await db.team.count({ where: { name } })).toBe(0);
    expect(await db.budget.count({ where: { maxLimit: limit } })).toBe(0);
  });

  it("aligns calendar budgets to the period start", async () => {
    const t = await createTeam(ctx, { name: unique("team"), budget: { maxLimit: 5, resetDuration: "1M", calendarAligned: true } });
    const b = t.budgets[0]!;
    expect(b.calendarAligned).toBe(true);
    expect(b.lastReset.getUTCDate()).toBe(1);
    expect(b.lastReset.toISOString().slice(10)).toBe("T00:00:00.000Z");
  });
});
