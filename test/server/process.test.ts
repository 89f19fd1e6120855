/**
 * The real thing: `src/main.ts` processes over real HTTP. On PGlite: one process per data dir (a second
 * one and the migrate CLI are refused while it runs), graceful SIGTERM, data survives a restart.
 * On PostgreSQL: two instances share one database.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { unique } from "../helpers/app.js";
import { http, root, startServer, stopServer } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

const migrate = (env: Record<string, string>) =>
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });

describe(`server process (${engine})`, () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gov-server-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const env: Record<string, string> = engine === "pglite" ? { DATA_DIR: dataDir, DATABASE_URL: "" } : { DATABASE_URL: inject("databaseUrl") };

  it("serves the seed requests over HTTP and shuts down cleanly on SIGTERM", async () => {
    if (engine === "pglite") migrate(env);
    const a = await startServer(env);
    expect(a.logs.join("\n")).toContain(engine === "pglite" ? `PGlite (embedded) at ${path.join(dataDir, "pglite")}` : "PostgreSQL at 127.0.0.1:5432");
    const name = unique("Acme");
    const customer = await http(a.url, "POST", "/api/governance/customers", { name, budget: { max_limit: 100, reset_duration: "1M" } });
    expect(customer.status).toBe(200);
    const team = await http(a.url, "POST", "/api/governance/teams", { name: unique("Eng"), customer_id: customer.body.customer.id, budget: { max_limit: 50, reset_duration: "1w" } });
    expect(team.status).toBe(200);
    const vk = await http(a.url, "POST", "/api/governance/virtual-keys", { name: unique("vk"), team_id: team.body.team.id });
    expect(vk.body.virtual_key.value).toMatch(/^sk-bf-/);
    expect(JSON.stringify(a.logs)).not.toContain(vk.body.virtual_key.value);

    if (engine === "pglite") {
      const second = await startServer(env).catch((e: { code: number; logs: string[] }) => e);
      expect((second as { code: number }).code).toBe(1);
      expect((second as { logs: string[] }).logs.join("\n")).toContain("is in use by another process");
      expect(() => migrate(env)).toThrow(/in use by another process/);
    } else {
      const b = await startServer(env);
      const seen = await http(b.url, "GET", `/api/governance/customers?search=${encodeURIComponent(name)}`);
      expect(seen.body.customers.map((c: { id: string }) => c.id)).toEqual([customer.body.customer.id]);
      expect(await stopServer(b)).toBe(0);
    }

    expect(await stopServer(a)).toBe(0);
    expect(a.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);

    const again = await startServer(env);
    const after = await http(again.url, "GET", `/api/governance/customers?search=${encodeURIComponent(name)}`);
    expect(after.body.customers[0]).toMatchObject({ name, budget: { max_limit: 100 } });
    expect(after.body.customers[0].teams).toHaveLength(1);
    expect(await stopServer(again, "SIGINT")).toBe(0);
  }, 120_000);
});
