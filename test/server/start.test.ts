/**
 * `npm start` as an orchestrator runs it: a real process tree (npm → node dist/main.js → the migrate CLI while
 * migrating). It migrates, then listens with one startup line and no Prisma noise; SIGTERM to the npm process
 * stops the whole tree within 10 s, while serving and while migrating. Times are printed, not asserted tighter.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildDist, root } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

/** Every process below `pid` (children, grandchildren…), from ps. */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => rows.filter(([, ppid]) => ppid === p).forEach(([child]) => (out.push(child), walk(child)));
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function npmStart(env: Record<string, string>) {
  const child = spawn("npm", ["start"], { cwd: root, env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = async (test: () => boolean, what: string, ms = 90_000) => {
    const until = Date.now() + ms;
    while (!test()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** SIGTERM to npm; resolves with the ms until npm and every process it started are gone. */
  const terminate = async () => {
    const tree = descendants(child.pid!);
    const started = performance.now();
    child.kill("SIGTERM");
    await exited;
    await waitFor(() => tree.every((p) => !alive(p)), "the process tree to exit", 15_000);
    return { ms: Math.round(performance.now() - started), tree };
  };
  return { child, output: () => output, exited, waitFor, terminate };
}

async function freshDatabase(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (engine === "pglite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gov-start-"));
    return { env: { DATA_DIR: dir, DATABASE_URL: "" }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `gov_start_${process.pid}_${Date.now()}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: inject("databaseUrl") });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

describe(`npm start (${engine})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(buildDist, 300_000);
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("migrates, listens with one startup line and no Prisma noise; SIGTERM to npm stops the tree within 10 s", async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const s = npmStart(db.env);
    await s.waitFor(() => /"msg":"listening on /.test(s.output()), "listening");
    const out = s.output();
    expect(out).toMatch(/"msg":"migrations applied: 20261122155226_init, /);
    const listening = out.split("\n").find((l) => l.includes('"msg":"listening on'))!;
    const port = (JSON.parse(listening) as { port: number }).port;
    expect(listening).toMatch(engine === "pglite" ? /with PGlite \(embedded\) at / : /with PostgreSQL at 127\.0\.0\.1:5432\/gov_start_/);
    expect(listening).toMatch(/GraphiQL at \/graphql.*metrics at \/metrics/);
    expect(out).not.toMatch(/WARNING|will NOT be used|unused|EBADENGINE|tsx/);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

    expect(descendants(s.child.pid!).length).toBeGreaterThanOrEqual(1); // node dist/main.js under npm
    const { ms } = await s.terminate();
    console.log(`[measure] ${engine}: SIGTERM to the npm start process → whole tree exited in ${ms} ms`);
    expect(ms).toBeLessThan(10_000);
    expect(s.output()).toMatch(/"msg":"shutting down"[^\n]*\n[^\n]*"msg":"stopped"/);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  }, 180_000);

  it("SIGTERM while the migrate CLI runs stops the tree within 10 s", async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const s = npmStart(db.env);
    await s.waitFor(() => descendants(s.child.pid!).some((p) => /prisma\/build\/index\.js/.test(commandOf(p))), "the migrate CLI to start");
    const { ms, tree } = await s.terminate();
    console.log(`[measure] ${engine}: SIGTERM during migrations → ${tree.length} processes exited in ${ms} ms`);
    expect(ms).toBeLessThan(10_000);
    expect(s.output()).toContain("stopping: interrupting migrations");
    expect(s.output()).not.toContain("listening on");
  }, 180_000);
});

function commandOf(pid: number): string {
  try {
    return execFileSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" });
  } catch {
    return "";
  }
}
