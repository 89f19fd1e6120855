/**
 * Enforcement benchmark (`npm run bench`; not part of `npm test`): check+record pairs for ONE key with budgets
 * at VK, team and customer level (plus a VK rate limit), on PGlite and on PostgreSQL, with 1 and 50
 * concurrent clients, in two modes:
 *  - service: the governance services called in process (what one instance can do, no HTTP);
 *  - http: a real server process (src/main.ts) driven over loopback HTTP keep-alive from this process.
 * Prints pairs/s and p50/p99 latency of a pair (check + record) and of each call.
 * Service mode adds (BENCH_EXTRA=provisioning,keys1000,estimates): (a) 50 clients' pairs while 4 writers create
 * and delete keys and model configs (pairs/s, non-decision answers), (b) 50 clients round-robin over 1,000
 * distinct keys, (c) estimate-less spend: a $1 key whose calls cost $0.01, after 20 records, under 2,000
 * concurrent checks without estimates (admitted, final spend).
 * Options (env): BENCH_ENGINES=pglite,postgres BENCH_MODES=service,http BENCH_CLIENTS=1,50 BENCH_SECONDS=8
 * TEST_DATABASE_URL (admin URL of the PostgreSQL server, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createContext } from "../../src/context.js";
import { closeDatabase, openDatabase } from "../../src/db/client.js";
import { createCustomer } from "../../src/services/customers.js";
import { checkAccess } from "../../src/services/enforcement.js";
import { AccessDeniedError } from "../../src/services/errors.js";
import { createModelConfig, deleteModelConfig } from "../../src/services/model-configs.js";
import { deleteVirtualKey } from "../../src/services/virtual-key-updates.js";
import { createTeam } from "../../src/services/teams.js";
import { recordUsage } from "../../src/services/usage.js";
import { createVirtualKey } from "../../src/services/virtual-keys.js";
import { root, startServer, stopServer, type ServerProcess } from "../helpers/process.js";

const list = (v: string | undefined, d: string) => (v ?? d).split(",").map((s) => s.trim()).filter(Boolean);
const engines = list(process.env.BENCH_ENGINES, "pglite,postgres");
const modes = list(process.env.BENCH_MODES, "service,http");
const clientCounts = list(process.env.BENCH_CLIENTS, "1,50").map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const extras = list(process.env.BENCH_EXTRA, "provisioning,keys1000,estimates");
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

type Env = Record<string, string>;

function migrate(env: Env): void {
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: "ignore" });
}

async function pgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gov_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  migrate({ DATABASE_URL: url.toString() });
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Customer ($1M/1M) → team ($1M/1w) → key ($1M/1d, 10M requests/h, 10G tokens/h), openai allowed. */
async function seed(): Promise<string> {
  const ctx = createContext();
  const big = (d: string) => ({ maxLimit: 1_000_000, resetDuration: d });
  const customer = await createCustomer(ctx, { name: `bench-c-${Date.now()}`, budget: big("1M") });
  const team = await createTeam(ctx, { name: `bench-t-${Date.now()}`, customerId: customer.id, budget: big("1w") });
  const vk = await createVirtualKey(ctx, {
    name: `bench-vk-${Date.now()}`,
    teamId: team.id,
    budget: big("1d"),
    rateLimit: { requestMaxLimit: 10_000_000, requestResetDuration: "1h", tokenMaxLimit: 10_000_000_000, tokenResetDuration: "1h" },
    providerConfigs: [{ provider: "openai", allowedModels: ["*"] }],
  });
  return vk.value;
}

interface Sample {
  pair: number[];
  check: number[];
  record: number[];
  errors: number;
  pairs: number;
  elapsed: number;
}

type Call = (kind: "check" | "record", body: Record<string, unknown>, client?: number, i?: number) => Promise<void>;

async function drive(clients: number, call: Call, run: string): Promise<Sample> {
  const s: Sample = { pair: [], check: [], record: [], errors: 0, pairs: 0, elapsed: 0 };
  let seq = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const requestId = `${run}-${seq++}`;
        const a = performance.now();
        try {
          await call("check", { provider: "openai", model: "gpt-4o-mini", estimated_tokens: 500, estimated_cost: 0.001, request_id: requestId }, client, i);
          const b = performance.now();
          await call("record", { provider: "openai", model: "gpt-4o-mini", tokens: 420, cost: 0.00084, request_id: requestId }, client, i);
          const c = performance.now();
          s.check.push(b - a);
          s.record.push(c - b);
          s.pair.push(c - a);
          s.pairs++;
        } catch (err) {
          if (s.errors++ === 0) console.error(`first error: ${(err as Error).message}`);
        }
      }
    }),
  );
  s.elapsed = (performance.now() - t0) / 1000;
  return s;
}

const pct = (xs: number[], p: number) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.floor(v.length * p))]!.toFixed(2) : "-";
};

function report(engine: string, mode: string, clients: number, s: Sample): void {
  const rate = (s.pairs / s.elapsed).toFixed(0);
  console.log(
    `${engine.padEnd(8)} ${mode.padEnd(7)} clients=${String(clients).padStart(2)}  pairs/s=${rate.padStart(6)}  ` +
      `pair p50=${pct(s.pair, 0.5)}ms p99=${pct(s.pair, 0.99)}ms  check p50=${pct(s.check, 0.5)} p99=${pct(s.check, 0.99)}  ` +
      `record p50=${pct(s.record, 0.5)} p99=${pct(s.record, 0.99)}  pairs=${s.pairs} errors=${s.errors}`,
  );
}

async function serviceMode(engine: string, target: Parameters<typeof openDatabase>[0]): Promise<void> {
  await openDatabase(target, { poolSize: 20 });
  try {
    const key = await seed();
    const ctx = createContext();
    const opts = { vkMandatory: false };
    const camel = (b: Record<string, unknown>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
    const call: Call = async (kind, body) => {
      if (kind === "check") await checkAccess(ctx, key, camel(body), opts);
      else await recordUsage(ctx, key, camel(body), opts);
    };
    await drive(8, call, `warm-${engine}-svc-${Date.now()}`);
    for (const clients of clientCounts) report(engine, "service", clients, await drive(clients, call, `${engine}-svc-${clients}-${Date.now()}`));
    if (extras.includes("provisioning")) await provisioning(engine, call);
    if (extras.includes("keys1000")) await manyKeys(engine, camel);
    if (extras.includes("estimates")) await estimateLess(engine);
  } finally {
    await closeDatabase();
  }
}

/** (a) Pairs on the bench key while 4 writers create and delete keys and model configs; non-decision answers counted. */
async function provisioning(engine: string, call: Call): Promise<void> {
  const ctx = createContext();
  let stop = false;
  let writes = 0;
  const writers = Array.from({ length: 4 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      const tag = `${engine}-prov-${w}-${i}-${Date.now()}`;
      const vk = await createVirtualKey(ctx, { name: `k-${tag}`, providerConfigs: [{ provider: "openai", allowedModels: ["*"] }], budget: { maxLimit: 5, resetDuration: "1d" } });
      const mc = await createModelConfig(ctx, { modelName: `m-${tag}`, provider: "openai", budget: { maxLimit: 5, resetDuration: "1d" } });
      await deleteVirtualKey(ctx, vk.key.id);
      await deleteModelConfig(ctx, mc.id);
      writes += 4;
    }
  });
  const s = await drive(50, call, `${engine}-prov-${Date.now()}`);
  stop = true;
  await Promise.all(writers);
  report(engine, "provisn", 50, s);
  console.log(`${engine.padEnd(8)} provisioning: ${writes} config writes by 4 writers; non-decision answers: ${s.errors} of ${s.pairs * 2 + s.errors} calls`);
}

/** (b) 50 clients round-robin over 1,000 distinct keys (each pair on the next key). */
async function manyKeys(engine: string, camel: (b: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const ctx = createContext();
  const keys: string[] = [];
  for (let i = 0; i < 1000; i += 50) {
    keys.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) =>
      createVirtualKey(ctx, {
        name: `bench-rr-${engine}-${i + j}-${Date.now()}`,
        budget: { maxLimit: 1_000_000, resetDuration: "1d" },
        rateLimit: { requestMaxLimit: 10_000_000, requestResetDuration: "1h" },
        providerConfigs: [{ provider: "openai", allowedModels: ["*"] }],
      }).then((k) => k.value)))));
  }
  const opts = { vkMandatory: false };
  const call: Call = async (kind, body, client = 0, i = 0) => {
    const key = keys[(client * 20 + i) % keys.length]!;
    if (kind === "check") await checkAccess(ctx, key, camel(body), opts);
    else await recordUsage(ctx, key, camel(body), opts);
  };
  report(engine, "1k keys", 50, await drive(50, call, `${engine}-rr-${Date.now()}`));
}

/** (c) A $1 key whose calls cost $0.01, after 20 records: 2,000 concurrent checks without estimates, each admitted one recorded at $0.01. */
async function estimateLess(engine: string): Promise<void> {
  const ctx = createContext();
  const opts = { vkMandatory: false };
  const vk = await createVirtualKey(ctx, { name: `bench-est-${engine}-${Date.now()}`, budget: { maxLimit: 1, resetDuration: "1d" }, providerConfigs: [{ provider: "openai", allowedModels: ["*"] }] });
  const target = { provider: "openai", model: "gpt-4o-mini" };
  for (let i = 0; i < 20; i++) {
    const c = await checkAccess(ctx, vk.value, { ...target, estimatedCost: 0.01 }, opts);
    await recordUsage(ctx, vk.value, { ...target, requestId: c.requestId, cost: 0.01, tokens: 10 }, opts);
  }
  let admitted = 0;
  let other = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 2000 }, async () => {
    try {
      const c = await checkAccess(ctx, vk.value, target, opts);
      admitted++;
      await recordUsage(ctx, vk.value, { ...target, requestId: c.requestId, cost: 0.01, tokens: 10 }, opts);
    } catch (err) {
      if (!(err instanceof AccessDeniedError)) other++;
    }
  }));
  const ms = performance.now() - t0;
  const row = await checkAccess(ctx, vk.value, { ...target, estimatedCost: 0 }, opts).catch((err: unknown) => err);
  const spent = row instanceof AccessDeniedError ? /([0-9.]+) >= /.exec(row.message)?.[1] : (row as { budgets: { usage: number }[] }).budgets[0]?.usage;
  console.log(`${engine.padEnd(8)} estimate-less: $1.00 cap, 2,000 concurrent checks without estimates: admitted ${admitted}, non-decision ${other}, spend $${Number(spent).toFixed(4)} (${ms.toFixed(0)} ms)`);
}

async function httpMode(engine: string, env: Env): Promise<void> {
  let server: ServerProcess | undefined;
  try {
    server = await startServer({ ...env, ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}) });
    const base = server.url;
    const created = await post(base, "/api/governance/customers", { name: `bench-hc-${Date.now()}`, budget: { max_limit: 1_000_000, reset_duration: "1M" } });
    const team = await post(base, "/api/governance/teams", { name: `bench-ht-${Date.now()}`, customer_id: created.customer.id, budget: { max_limit: 1_000_000, reset_duration: "1w" } });
    const vk = await post(base, "/api/governance/virtual-keys", {
      name: `bench-hvk-${Date.now()}`,
      team_id: team.team.id,
      budget: { max_limit: 1_000_000, reset_duration: "1d" },
      rate_limit: { request_max_limit: 10_000_000, request_reset_duration: "1h", token_max_limit: 10_000_000_000, token_reset_duration: "1h" },
      provider_configs: [{ provider: "openai", allowed_models: ["*"] }],
    });
    const key = vk.virtual_key.value as string;
    // A fresh keep-alive pool per run: sockets idle past the server's keep-alive timeout would hang up.
    let agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const call: Call = (kind, body) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(`${base}/api/governance/${kind === "check" ? "check" : "usage"}`, {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "x-bf-vk": key },
        }, (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on("error", reject);
        req.end(JSON.stringify(body));
      });
    await drive(8, call, `warm-${engine}-http-${Date.now()}`);
    for (const clients of clientCounts) {
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
      report(engine, "http", clients, await drive(clients, call, `${engine}-http-${clients}-${Date.now()}`));
    }
    agent.destroy();
  } finally {
    if (server) await stopServer(server);
  }
}

async function post(base: string, p: string, body: unknown): Promise<any> {
  const res = await fetch(base + p, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status !== 200) throw new Error(JSON.stringify(json));
  return json;
}

console.log(`enforcement benchmark: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${seconds}s per run`);
for (const engine of engines) {
  if (engine === "postgres") {
    const dbase = await pgDatabase();
    try {
      if (modes.includes("service")) await serviceMode(engine, { kind: "postgres", url: dbase.url });
      if (modes.includes("http")) await httpMode(engine, { DATABASE_URL: dbase.url });
    } finally {
      await dbase.drop();
    }
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gov-bench-"));
    try {
      migrate({ DATABASE_URL: "", DATA_DIR: dir });
      if (modes.includes("service")) await serviceMode(engine, { kind: "pglite", dataDir: path.join(dir, "pglite") });
      if (modes.includes("http")) await httpMode(engine, { DATABASE_URL: "", DATA_DIR: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
