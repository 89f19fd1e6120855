/**
 * Startup failures are one clear line each (what is wrong, then "Fix: …"), exit code 1 and no stack trace:
 * a busy port, bad environment values (checked before `npm start` migrates), an unreachable or missing
 * database, an unusable data directory, a failing migration. Real processes.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildDist, runEntry, runToExit, type Finished } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

interface LogLine {
  level: number;
  msg: string;
}

/** The fatal lines of a run that must have refused to start. */
function refused(run: Finished): string[] {
  expect(run.code).toBe(1);
  const text = run.lines.join("\n");
  expect(text).not.toMatch(/^\s+at /m); // no stack trace
  const fatal = run.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LogLine).filter((l) => l.level >= 50);
  for (const line of fatal) expect(line.msg).toMatch(/\. Fix: .+\.$/);
  return fatal.map((l) => l.msg);
}

describe(`startup errors (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-startup-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(buildDist, 300_000); // npm start runs dist/main.js
  const db: Record<string, string> = engine === "pglite" ? { DATA_DIR: path.join(dir, "data"), DATABASE_URL: "" } : { DATABASE_URL: inject("databaseUrl") };

  it("a busy port: one line naming the port and the fix", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runEntry("src/main.ts", { ...db, PORT: String(port) });
      expect(refused(run)).toEqual([`Port ${port} is already in use on 127.0.0.1. Fix: stop the process using it, or set PORT to a free port.`]);
    } finally {
      blocker.close();
    }
  }, 90_000);

  it("bad environment values: one line per variable, secrets not echoed", async () => {
    const run = await runEntry("src/main.ts", { ...db, PORT: "eighty", MAX_BODY_BYTES: "-1", CORS_ORIGINS: "https://ok.example.com,https://bad.example.com/path", LOG_LEVEL: "loud", DATABASE_URL: "mysql://admin:hunter2@db/x" });
    const lines = refused(run);
    expect(lines.map((l) => l.match(/^Invalid environment variable (\w+)/)?.[1])).toEqual(["PORT", "DATABASE_URL", "LOG_LEVEL", "MAX_BODY_BYTES", "CORS_ORIGINS"]);
    expect(lines[0]).toBe('Invalid environment variable PORT="eighty": expected an integer from 0 to 65535 (default 8080; 0 picks a free port). Fix: correct PORT or unset it to use the default.');
    expect(run.lines.join("\n")).not.toContain("hunter2");
  }, 90_000);

  it("npm start checks the environment before it migrates", async () => {
    const fresh = path.join(dir, "never-migrated");
    const run = await runToExit("npm", ["start"], { DATA_DIR: fresh, DATABASE_URL: "", PORT: "70000" });
    expect(run.code).not.toBe(0);
    const ours = run.lines.filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as LogLine).msg);
    expect(ours).toEqual([expect.stringMatching(/^Invalid environment variable PORT="70000": .+ Fix: /)]);
    expect(run.lines.join("\n")).not.toMatch(/^\s+at /m);
    expect(existsSync(fresh)).toBe(false); // the migrate CLI never ran
  }, 120_000);

  it("an unreachable PostgreSQL: one line from the pre-migration check", async () => {
    const env = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/governance" };
    const expected = "Cannot reach PostgreSQL at 127.0.0.1:1/governance (ECONNREFUSED). Fix: start PostgreSQL there, or correct the host and port in DATABASE_URL.";
    expect(refused(await runEntry("src/main.ts", env))).toEqual([expected]);
    expect(refused(await runEntry("src/main.ts", { ...env, MIGRATE_ON_START: "false" }))).toEqual([expected]);
  }, 90_000);

  it("a database that does not exist: names it and how to create it", async () => {
    const url = new URL(inject("databaseUrl") || "postgres://postgres@127.0.0.1:5432/postgres");
    url.pathname = "/gov_missing_db";
    expect(refused(await runEntry("src/main.ts", { DATABASE_URL: url.toString() }))).toEqual([
      `PostgreSQL at ${url.hostname}:${url.port || "5432"}/gov_missing_db: database "gov_missing_db" does not exist. Fix: create it (createdb gov_missing_db), or correct the database name in DATABASE_URL.`,
    ]);
  }, 90_000);

  it("a DATA_DIR that cannot hold the embedded database", async () => {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "");
    const env = { DATA_DIR: file, DATABASE_URL: "" };
    for (const migrateOnStart of ["true", "false"]) {
      const [line, ...rest] = refused(await runEntry("src/main.ts", { ...env, MIGRATE_ON_START: migrateOnStart }));
      expect(rest).toEqual([]);
      expect(line).toBe(`Cannot create or write the embedded database at ${path.join(file, "pglite")} (ENOTDIR). Fix: set DATA_DIR to a writable directory.`);
    }
  }, 90_000);
});
