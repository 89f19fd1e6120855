/**
 * Issue 11: export → import into an empty database → export is byte-identical, on a generated hierarchy of
 * 4 customers, 12 teams, 40 keys (each with a provider config), 160 budgets and 96 rate limits, with usage in
 * flight (held reservations and recorded usage); re-importing the export never changes live usage. Runs on two
 * fresh databases of this file's own (PGlite: the migrated template; PostgreSQL: a new migrated database and a
 * copy of it), never on the shared one.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createContext } from "../../src/context.js";
import { closeDatabase, db, openDatabase } from "../../src/db/client.js";
import { camelizeKeys } from "../../src/rest/http.js";
import { exportText, importGovernance } from "../../src/services/governance-io.js";
import { rest } from "../helpers/app.js";
import { adminUrl } from "../helpers/global-setup.js";
import { engine } from "../helpers/setup.js";

const ctx = createContext();
const created: string[] = [];

async function freshDatabases(): Promise<{ openA: () => Promise<void>; openB: () => Promise<void> }> {
  await closeDatabase();
  if (engine === "pglite") {
    const open = async () => {
      await closeDatabase();
      await openDatabase({ kind: "pglite", dataDir: "memory://" }, { loadDataDir: new Blob([readFileSync(inject("pgliteTemplate"))]) });
    };
    return { openA: open, openB: open };
  }
  const [a, b] = [`gov_rt_a_${process.pid}_${Date.now()}`, `gov_rt_b_${process.pid}_${Date.now()}`];
  const url = (name: string) => Object.assign(new URL(adminUrl()), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${a}"`);
  created.push(a);
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, DATABASE_URL: url(a) },
    stdio: "ignore",
  });
  await admin.query(`CREATE DATABASE "${b}" TEMPLATE "${a}"`); // empty and migrated, before A gets rows
  created.push(b);
  await admin.end();
  const open = (name: string) => async () => {
    await closeDatabase();
    await openDatabase({ kind: "postgres", url: url(name) }, { poolSize: 4 });
  };
  return { openA: open(a), openB: open(b) };
}

afterAll(async () => {
  if (!created.length) return;
  await closeDatabase();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

/** 4 customers × 3 teams × (3 or 4 keys): 40 keys; 160 budgets; 96 rate limits. */
function generate() {
  const budgets: Record<string, unknown>[] = [];
  const rateLimits: Record<string, unknown>[] = [];
  const limits = (durations: string[], max: number) => {
    const ids = durations.map((d) => {
      const id = randomUUID();
      budgets.push({ id, max_limit: max, reset_duration: d });
      return id;
    });
    const rl = randomUUID();
    rateLimits.push({ id: rl, token_max_limit: 1_000_000, token_reset_duration: "1h", request_max_limit: 10_000, request_reset_duration: "1m" });
    return { budget_ids: ids, rate_limit_id: rl };
  };
  const customers = [];
  const teams = [];
  const keys = [];
  const values: string[] = [];
  for (let c = 0; c < 4; c++) {
    const cid = randomUUID();
    customers.push({ id: cid, name: `rt-customer-${c}`, email: `c${c}@example.com`, ...limits(["1h", "1d", "1w", "1M"], 1000) });
    for (let t = 0; t < 3; t++) {
      const tid = randomUUID();
      teams.push({ id: tid, name: `rt-team-${c}-${t}`, customer_id: cid, ...limits(["1d", "1M"], 500) });
      for (let k = 0; k < (t === 0 ? 4 : 3); k++) {
        const value = `sk-bf-${randomUUID()}`;
        values.push(value);
        keys.push({
          id: randomUUID(),
          name: `rt-key-${c}-${t}-${k}`,
          value,
          team_id: tid,
          disable_content_logging: k % 2 === 0,
          ...limits(["1d", "1M"], 100),
          provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["regex:gpt-.*"], blacklisted_models: ["gpt-4-32k"], ...limits(["1d"], 50) }],
        });
      }
    }
  }
  return { file: { governance: { budgets, rate_limits: rateLimits, customers, teams, virtual_keys: keys } }, values };
}

describe("export → import into an empty database → export", () => {
  it("is byte-identical for 4 customers, 12 teams, 40 keys, 160 budgets, 96 rate limits with usage in flight; a re-import keeps live usage", async () => {
    const { openA, openB } = await freshDatabases();
    await openA();
    const { file, values } = generate();
    expect([file.governance.customers.length, file.governance.teams.length, file.governance.virtual_keys.length, file.governance.budgets.length, file.governance.rate_limits.length]).toEqual([4, 12, 40, 160, 96]);
    const seeded = await importGovernance(ctx, camelizeKeys(file));
    expect(seeded.changes.budgets!.created).toHaveLength(160);

    // Usage in flight: 20 recorded calls and 20 checks still holding their reservation.
    for (const [i, key] of values.entries()) {
      const c = await rest("POST", "/api/governance/check", { model: "openai/gpt-4o", estimated_cost: 0.5, estimated_tokens: 100 }, { "x-bf-vk": key });
      expect(c.status).toBe(200);
      if (i % 2 === 0) await rest("POST", "/api/governance/usage", { model: "openai/gpt-4o", request_id: c.body.request_id, cost: 0.75, tokens: 120 }, { "x-bf-vk": key });
    }
    const first = await exportText(ctx);
    expect(first).toContain('"current_usage": 0.75');
    expect(first).toContain('"current_usage": 0.5');

    // Re-seeding the live database with its own export changes nothing, usage included.
    const reseed = await importGovernance(ctx, camelizeKeys(JSON.parse(first)));
    expect(reseed.changes.budgets).toEqual({ created: [], updated: [], unchanged: 160 });
    expect(await exportText(ctx)).toBe(first);
    expect(await db.reservation.count()).toBe(20);

    await openB();
    expect(await db.budget.count()).toBe(0);
    await importGovernance(ctx, camelizeKeys(JSON.parse(first)));
    expect(await exportText(ctx)).toBe(first);
  });
});
