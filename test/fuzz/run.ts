/**
 * `npm run fuzz` (issue #9): the hostile-input generator, long, against a real server process on each engine
 * (PGlite in a temporary DATA_DIR; PostgreSQL in a fresh database on TEST_DATABASE_URL's server, dropped after).
 * Prints statuses, the 5xx and transport-failure counts, log bytes per request, and RSS: before, peak, at the end
 * of the load, and settled (load stopped, full GC: test/fuzz/memory-probe.mjs, with a breakdown into V8 heap,
 * external and WebAssembly memories; also 20 times during the run). Between major GCs the V8 heap holds hundreds
 * of MB of garbage (hostile documents and bodies), so the RSS at one instant under load swings with GC timing;
 * retained growth (a leak) is the settled RSS after the run minus the settled RSS before it. Exits 1 on any 5xx
 * or transport failure, a problem answer, a row written by a rejected request, the server exiting, or a missed
 * goal (settled RSS growth < 100 MB, < 300 log bytes per rejected request).
 *   npm run fuzz -- [--engine pglite|postgres] [--requests 50000] [--concurrency 8] [--seed 1]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createHttpApp } from "../../src/rest/app.js";
import { root, startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { httpClient } from "./client.js";
import { drive, seed, storedTexts, writtenByRejected, type Send, type Tally } from "./drive.js";

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

const GOAL_RSS_GROWTH_MB = 100;
const GOAL_LOG_BYTES_PER_REJECTED = 300;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const load = () => os.loadavg().map((n) => n.toFixed(2)).join(" ");

interface Probe {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  wasm: Record<string, number>;
}

/** Asks the server's memory probe (SIGUSR2: full GC, then process.memoryUsage() and WebAssembly memory sizes). */
async function probe(server: ServerProcess): Promise<Probe | null> {
  const from = server.logs.length;
  server.child.kill("SIGUSR2");
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const line = server.logs.slice(from).find((l) => l.startsWith('{"probe":'));
    if (line) return (JSON.parse(line) as { probe: Probe }).probe;
  }
  return null;
}

const describeProbe = (p: Probe | null) =>
  p ? `after GC: RSS ${mb(p.rss)}, V8 heap used ${mb(p.heapUsed)} of ${mb(p.heapTotal)}, external ${mb(p.external)} (array buffers ${mb(p.arrayBuffers)}, WebAssembly ${Object.entries(p.wasm).map(([k, v]) => `${k} ${mb(v)}`).join(", ")})` : "no probe answer";

/** Log bytes written for the requests of one kind (lines carrying their request id = tag), per request. */
function logBytesPer(lines: string[], tally: Tally): { rejected: number; accepted: number } {
  let rejected = 0;
  let accepted = 0;
  for (const line of lines) {
    const id = /"reqId":"(zq\w+?x\d+z)"/.exec(line)?.[1];
    if (!id) continue;
    if (tally.rejectedTags.has(id)) rejected += Buffer.byteLength(line) + 1;
    else accepted += Buffer.byteLength(line) + 1;
  }
  return { rejected: rejected / Math.max(1, tally.rejected), accepted: accepted / Math.max(1, tally.requests - tally.rejected) };
}

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
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --expose-gc --import ${path.join(import.meta.dirname, "memory-probe.mjs")}`.trim();
  const server = await startServer({ ...env, LOG_LEVEL: "info", NODE_OPTIONS: nodeOptions });
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  const stopOnSignal = () => {
    server.child.kill("SIGKILL"); // never leave the server behind when interrupted
    process.exit(130);
  };
  process.once("SIGINT", stopOnSignal).once("SIGTERM", stopOnSignal);
  const client = httpClient(server.url, Number(values.concurrency));
  // Every request carries its tag as request id: the server's log lines name the request they belong to.
  const send: Send = (r) => client.send({ ...r, headers: { ...r.headers, ...(r.tag ? { "x-request-id": r.tag } : {}) } });
  try {
    const runId = Date.now().toString(36);
    const known = await seed(send, runId);
    const isLog = (l: string) => !l.startsWith('{"probe":');
    const logBytes = () => server.logs.reduce((n, l) => (isLog(l) ? n + Buffer.byteLength(l) + 1 : n), 0);
    const probeBefore = await probe(server);
    const rssBefore = rssMb(server.child.pid!);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => exitCode === undefined && (rssPeak = Math.max(rssPeak, rssMb(server.child.pid!))), 1_000);
    const logLinesBefore = server.logs.length;
    const logsBefore = logBytes();
    const loadBefore = load();
    console.error(`  ${engine}: before: ${describeProbe(probeBefore)}`);
    const started = performance.now();
    let progressProbe: Promise<void> = Promise.resolve();
    const tally = await drive(send, routesApp, known, {
      count,
      seed: Number(values.seed),
      runId,
      concurrency: Number(values.concurrency),
      stopped: () => exitCode !== undefined,
      progressEvery: Math.max(1_000, Math.round(count / 20 / 1_000) * 1_000),
      onProgress: (t) => {
        const line = `  ${engine}: ${t.requests} requests, ${t.fiveXx} 5xx, ${client.staleRetries.length} stale-socket retries, RSS ${rssMb(server.child.pid!).toFixed(0)} MB, load ${load()}`;
        progressProbe = probe(server).then((p) => console.error(`${line}; ${describeProbe(p)} (load running)`));
      },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await progressProbe;
    const alive = exitCode === undefined;
    const rssAfter = alive ? rssMb(server.child.pid!) : NaN;
    const probeAfter = alive ? await probe(server) : null;
    const settledGrowth = probeAfter && probeBefore ? (probeAfter.rss - probeBefore.rss) / 2 ** 20 : NaN;
    const logPerRequest = (logBytes() - logsBefore) / tally.requests;
    const perKind = logBytesPer(server.logs.slice(logLinesBefore), tally);
    const leaked = alive ? writtenByRejected(await storedTexts(send), tally) : [];
    const health = await send({ method: "GET", path: "/health", headers: {} }).catch((err: Error) => ({ status: 599, text: err.message }));
    console.log(`\n== ${engine}: ${tally.requests} requests in ${seconds.toFixed(0)} s (${(tally.requests / seconds).toFixed(0)}/s), concurrency ${values.concurrency}, load average before ${loadBefore}, after ${load()}`);
    console.log(`status counts: ${JSON.stringify(Object.fromEntries(Object.entries(tally.byStatus).sort()))}`);
    console.log(`5xx: ${tally.fiveXx} (transport failures, counted as 599: ${tally.byStatus[599] ?? 0})   rejected: ${tally.rejected}   problems: ${tally.problems.length}   rows written by rejected requests: ${leaked.length}`);
    const idle = client.staleRetries.map((r) => r.idleMs).sort((a, b) => a - b);
    console.log(`stale keep-alive sockets retried on a new connection: ${idle.length}${idle.length ? ` (idle in the pool ${idle[0]}–${idle.at(-1)} ms)` : ""}`);
    for (const r of client.staleRetries.slice(0, 5)) console.log(`  STALE ${JSON.stringify(r)}`);
    console.log(`RSS before ${rssBefore.toFixed(0)} MB, at the end of the load ${rssAfter.toFixed(0)} MB (${(rssAfter - rssBefore).toFixed(0)} MB), peak ${rssPeak.toFixed(0)} MB; settled growth ${settledGrowth.toFixed(0)} MB`);
    console.log(`  before ${describeProbe(probeBefore)}\n  after  ${describeProbe(probeAfter)}`);
    console.log(`log bytes per request: ${logPerRequest.toFixed(0)} (per rejected request ${perKind.rejected.toFixed(0)}, per accepted ${perKind.accepted.toFixed(0)}); /health after: ${health.status}`);
    const levels: Record<string, number> = {};
    const faults: string[] = [];
    for (const line of server.logs) {
      if (!isLog(line)) continue;
      const level = /"level":(\d+)/.exec(line)?.[1] ?? "raw";
      levels[level] = (levels[level] ?? 0) + 1;
      if ((level === "raw" || Number(level) >= 50) && faults.length < 5) faults.push(line.slice(0, 300));
    }
    console.log(`log lines by level: ${JSON.stringify(levels)}`);
    for (const f of faults) console.log(`  FAULT LOG ${f}`);
    for (const p of tally.problems.slice(0, 20)) console.log(`  PROBLEM ${p.label}: ${p.problem.slice(0, 200)}\n    ${p.request.slice(0, 400)}`);
    for (const l of leaked.slice(0, 10)) console.log(`  WRITTEN BY A REJECTED REQUEST: ${l}`);
    const goals = settledGrowth < GOAL_RSS_GROWTH_MB && perKind.rejected < GOAL_LOG_BYTES_PER_REJECTED;
    if (!alive) console.log(`  SERVER EXITED during the run (code ${exitCode})`);
    console.log(`goals (settled RSS growth < ${GOAL_RSS_GROWTH_MB} MB, < ${GOAL_LOG_BYTES_PER_REJECTED} log bytes per rejected request): ${goals ? "met" : "NOT met"}`);
    return alive && goals && tally.fiveXx === 0 && tally.problems.length === 0 && leaked.length === 0 && health.status === 200;
  } finally {
    client.close();
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
