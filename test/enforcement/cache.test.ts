/**
 * The enforcement configuration cache is scoped: a write invalidates only the entries whose scopes it touches
 * (statement counts, not timings), unknown keys and models are cached negatively, and a full cache evicts its
 * least recently used entry instead of flushing everything.
 */
import { afterAll, describe, expect, it } from "vitest";
import { onQuery } from "../../src/db/client.js";
import { configCacheOptions, configCacheState, configureConfigCache } from "../../src/services/enforcement-config.js";
import { check, createKey, rest, unique } from "./helpers.js";

const openai = { provider: "openai", model: "gpt-4o-mini" };

async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  // The lazy background sweep (reservations, change-log pruning) may run at any time: not a check's statement.
  const stop = onQuery((sql) => (/"expiresAt" <= |DELETE FROM "ConfigChange"/.test(sql) ? undefined : statements.push(sql)));
  try {
    await run();
  } finally {
    stop();
  }
  return statements;
}

describe("scoped configuration cache", () => {
  const defaults = { ...configCacheOptions };
  afterAll(() => configureConfigCache(defaults));

  it("a write to another key or model invalidates nothing: the next check is one statement", async () => {
    const a = await createKey({ budget: { max_limit: 10, reset_duration: "1d" } });
    const b = await createKey();
    expect((await check(a.key, openai)).status).toBe(200);
    expect(await statementsOf(() => check(a.key, openai))).toHaveLength(1);
    expect((await rest("PUT", `/api/governance/virtual-keys/${b.vkId}`, { is_active: false })).status).toBe(200);
    const m = await rest("POST", "/api/governance/model-configs", { model_name: unique("model"), provider: "openai", budget: { max_limit: 1, reset_duration: "1d" } });
    expect(m.status).toBe(200);
    await createKey();
    expect(await statementsOf(() => check(a.key, openai))).toHaveLength(1);
  });

  it("a write to the key itself is enforced on its next check (reloaded once)", async () => {
    const a = await createKey();
    expect((await check(a.key, openai)).status).toBe(200);
    expect((await rest("PUT", `/api/governance/virtual-keys/${a.vkId}`, { is_active: false })).status).toBe(200);
    expect((await check(a.key, openai)).body.type).toBe("virtual_key_blocked");
    const model = unique("model");
    expect((await check(a.key, { provider: "openai", model })).body.type).toBe("virtual_key_blocked");
    // A model config created for a model already cached (negatively) applies at once.
    const b = await createKey();
    expect((await check(b.key, { provider: "openai", model })).status).toBe(200);
    await rest("POST", "/api/governance/model-configs", { model_name: model, provider: "openai", rate_limit: { request_max_limit: 1, request_reset_duration: "1h" } });
    expect((await check(b.key, { provider: "openai", model })).status).toBe(200);
    expect((await check(b.key, { provider: "openai", model })).body.type).toBe("request_limited");
  });

  it("an unknown key is cached negatively: a repeated junk check is one statement; a rotated value stops at once", async () => {
    const junk = `sk-bf-${unique("junk")}`;
    expect((await check(junk, openai)).body.type).toBe("virtual_key_not_found");
    expect(await statementsOf(() => check(junk, openai))).toHaveLength(1);
    const a = await createKey();
    expect((await check(a.key, openai)).status).toBe(200);
    const rotated = await rest("POST", `/api/governance/virtual-keys/${a.vkId}/rotate`);
    expect((await check(a.key, openai)).body.type).toBe("virtual_key_not_found");
    expect((await check(rotated.body.virtual_key.value, openai)).status).toBe(200);
  });

  it("a full cache evicts the least recently used entry (no flush of everything)", async () => {
    configureConfigCache({ size: 100, negativeTtlMs: 600_000 }); // the route (no model governance) must not expire mid-test
    const hot = await createKey();
    expect((await check(hot.key, openai)).status).toBe(200);
    for (let i = 0; i < 150; i++) {
      await check(`sk-bf-${unique("evict")}`, openai);
      if (i % 20 === 0) await check(hot.key, openai); // keeps the hot key recently used
    }
    expect(configCacheState().keys).toBeLessThanOrEqual(100);
    expect(await statementsOf(() => check(hot.key, openai))).toHaveLength(1);
  });
});
