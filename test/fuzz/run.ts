/**
 * `npm run fuzz` (issue #9): the hostile-input generator, long, against a real server process on each engine
 * (PGlite in a temporary DATA_DIR; PostgreSQL in a fresh database on TEST_DATABASE_URL's server, dropped after).
 * Prints statuses, the 5xx count, RSS before/after and log bytes per request; exits 1 on any 5xx or problem.
 *   npm run fuzz -- [--engine pglite|postgres] [--requests 50000] [--concurrency 8] [--seed 1]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createHttpApp } from "../../src/rest/app.js";
import { root, startServer, stopServer } from "../helpers/process.js";
import { drive, seed, storedTexts, writtenByRejected, type Send } from "./drive.js";

const { values } = parseArgs({
  options: {
    engine: { type: "string", multiple: true },
    requests: { type: "string", default: "50000" },
    concurrency: { type: "string", default: "8" },
    seed: { type: "string", default: "1" },
  },
});
const engines = values.engine?.length ? values.engine : ["pglite", "postgres"];
const count = Number(values.requests);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const migrate = (env: Record<string, string>) =>
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: "ignore" });

/** The route list comes from the app itself (no database needed to build it). */
const routesApp = createHttpApp(loadConfig({ ...process.env, DATABASE_URL: "", LOG_LEVEL: "silent" }), createLogger("silent"));

async function runEngine(engine: string): Promise<boolean> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-fuzz-"));
  const dbName = `gov_fuzz_${process.pid}`;
  let env: Record<string, string>;
  if (engine === "postgres") {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    env = { DATABASE_URL: url.toString() };
  } else env = { DATA_DIR: dir, DATABASE_URL: "" };
  migrate(env);
  const server = await startServer({ ...env, LOG_LEVEL: "info" });
  const stopOnSignal = () => server.child.kill("SIGKILL"); // never leave the server behind when interrupted
  process.once("SIGINT", stopOnSignal).once("SIGTERM", stopOnSignal);
  // Keep-alive connections; an idle socket is closed by the client (2 s) before the server's keep-alive timeout
  // (5 s) can close it under a request (a client-side race, not an answer of the server).
  const agent = new Agent({ keepAlive: true, maxSockets: Number(values.concurrency), timeout: 2_000 });
  const send: Send = ({ method, path: p, body, headers }) =>
    new Promise((resolve, reject) => {
      const req = request(server.url + p, { method, agent, headers: { ...headers, ...(body === undefined ? {} : { "content-length": Buffer.byteLength(body) }) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  try {
    const runId = Date.now().toString(36);
    const known = await seed(send, runId);
    const logBytes = () => server.logs.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    const rssBefore = rssMb(server.child.pid!);
    const logsBefore = logBytes();
    const started = performance.now();
    const tally = await drive(send, routesApp, known, {
      count,
      seed: Number(values.seed),
      runId,
      concurrency: Number(values.concurrency),
      onProgress: (t) => console.error(`  ${engine}: ${t.requests} requests, ${t.fiveXx} 5xx, RSS ${rssMb(server.child.pid!).toFixed(0)} MB`),
    });
    const seconds = (performance.now() - started) / 1000;
    const rssAfter = rssMb(server.child.pid!);
    const logPerRequest = (logBytes() - logsBefore) / tally.requests;
    const leaked = writtenByRejected(await storedTexts(send), tally);
    const health = await send({ method: "GET", path: "/health", headers: {} });
    console.log(`\n== ${engine}: ${tally.requests} requests in ${seconds.toFixed(0)} s (${(tally.requests / seconds).toFixed(0)}/s), concurrency ${values.concurrency}`);
    console.log(`status counts: ${JSON.stringify(Object.fromEntries(Object.entries(tally.byStatus).sort()))}`);
    console.log(`5xx: ${tally.fiveXx}   rejected: ${tally.rejected}   problems: ${tally.problems.length}   rows written by rejected requests: ${leaked.length}`);
    console.log(`RSS before ${rssBefore.toFixed(0)} MB, after ${rssAfter.toFixed(0)} MB (growth ${(rssAfter - rssBefore).toFixed(0)} MB)`);
    console.log(`log bytes per request: ${logPerRequest.toFixed(0)}; /health after: ${health.status}`);
    const levels: Record<string, number> = {};
    const faults: string[] = [];
    for (const line of server.logs) {
      const level = /"level":(\d+)/.exec(line)?.[1] ?? "raw";
      levels[level] = (levels[level] ?? 0) + 1;
      if ((level === "raw" || Number(level) >= 50) && faults.length < 5) faults.push(line.slice(0, 300));
    }
    console.log(`log lines by level: ${JSON.stringify(levels)}`);
    for (const f of faults) console.log(`  FAULT LOG ${f}`);
    for (const p of tally.problems.slice(0, 20)) console.log(`  PROBLEM ${p.label}: ${p.problem.slice(0, 200)}\n    ${p.request.slice(0, 400)}`);
    for (const l of leaked.slice(0, 10)) console.log(`  WRITTEN BY A REJECTED REQUEST: ${l}`);
    return tally.fiveXx === 0 && tally.problems.length === 0 && leaked.length === 0 && health.status === 200;
  } finally {
    agent.destroy();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
    if (engine === "postgres") {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
}

let ok = true;
for (const engine of engines) ok = (await runEngine(engine)) && ok;
process.exit(ok ? 0 : 1);
