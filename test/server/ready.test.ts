/**
 * Readiness on real processes: /ready is 503 (error envelope) when the database lacks the migrations or is
 * dropped under the running server, while /health (liveness) stays 200.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { http, root, startServer, stopServer } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

const envelope = (message: string) => ({ is_bifrost_error: false, status_code: 503, error: { message }, extra_fields: {} });

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe(`readiness on a real server (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-ready-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(engine === "pglite")("an embedded database without migrations: 503, liveness 200", async () => {
    const s = await startServer({ DATA_DIR: dir, DATABASE_URL: "", MIGRATE_ON_START: "false" });
    try {
      const ready = await http(s.url, "GET", "/ready");
      expect(ready).toEqual({ status: 503, body: envelope("Not ready: no migration is applied (run npm run db:migrate)") });
      expect((await http(s.url, "GET", "/health")).status).toBe(200);
    } finally {
      expect(await stopServer(s)).toBe(0);
    }
  }, 120_000);

  it.runIf(engine === "postgres")("ready when migrated; 503 after the database is dropped under it; liveness stays 200", async () => {
    const name = `gov_ready_${process.pid}_${Date.now()}`;
    const url = new URL(inject("databaseUrl"));
    url.pathname = `/${name}`;
    await admin(`CREATE DATABASE "${name}"`);
    try {
      execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: url.toString() }, stdio: "pipe" });
      const s = await startServer({ DATABASE_URL: url.toString() });
      try {
        expect(await http(s.url, "GET", "/ready")).toEqual({ status: 200, body: { status: "ready", database: "postgres" } });
        await admin(`DROP DATABASE "${name}" WITH (FORCE)`);
        const ready = await http(s.url, "GET", "/ready");
        expect(ready.status).toBe(503);
        expect(ready.body).toEqual(envelope(expect.stringMatching(/^Not ready: the database does not answer/) as unknown as string));
        expect((await http(s.url, "GET", "/health")).status).toBe(200);
        expect((await http(s.url, "GET", "/api/governance/customers")).status).toBe(500);
      } finally {
        expect(await stopServer(s)).toBe(0);
      }
    } finally {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  }, 120_000);
});
