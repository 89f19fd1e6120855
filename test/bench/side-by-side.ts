/**
 * Side-by-side benchmark of issue #13 (`npm run bench`; not part of `npm test`), on a fresh PostgreSQL database
 * that it seeds and drops:
 *  - nested read customers → teams → keys → budget / rate limit / provider configs at 5,000 keys (50 customers)
 *    and the 10-customer page (500 keys): our server vs PostGraphile 5 (library mode, same database) vs the floor;
 *  - REST `GET /api/governance/virtual-keys?limit=100` at offsets 0 / 9,000 / 90,000 and with `search=`, and
 *    GraphQL `virtualKeys(first: 100)` keyset pages (first, deep, with totalCount), at 10k and 100k keys, vs floor.
 * The floor is one hand-written SQL statement through `pg` returning the same page as JSON. Both servers are
 * separate processes (server CPU per request from /proc); database CPU is that of the backends connected to the
 * benchmark database. Answers are compared (leaf rows / page ids) before timing; rounds run A/B/C/C/B/A.
 * Both servers run as deployed: NODE_ENV=production (graphql-js skips its development-only instanceof checks).
 * Env: BENCH_SECONDS (per round, default 5), BENCH_WARMUP (untimed seconds per target and connection count before its
 * rounds, default 1), BENCH_CONNECTIONS (default 1,10), BENCH_ONLY (regex on workload
 * names), BENCH_SCALES (5k,10k,100k), BENCH_PEER=0 (skip PostGraphile), BENCH_REF (git ref: our server is run from
 * that commit, exported to a temporary directory), BENCH_PROFILE_DIR (our server runs with --cpu-prof there),
 * TEST_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync, execSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { root } from "../helpers/process.js";
import { httpClient, pct, round, spawnServer, type Child, type Round, type Shot } from "./side-by-side/drive.js";
import { cursorOf, floorKeyset, floorKeysetIds, floorRestIds, floorRestPage, keysetIds, oursKeyset, restIds } from "./side-by-side/lists.js";
import { floorLeaves, floorNested, oursLeaves, oursNested, peerLeaves, peerNested } from "./side-by-side/nested.js";
import { KEYS_PER_CUSTOMER, seedCustomers, TEAMS_PER_CUSTOMER } from "./side-by-side/seed.js";
import { adminUrl, benchDatabase } from "./database.js";

const env = process.env;
const seconds = Number(env.BENCH_SECONDS ?? 5);
const warmup = Number(env.BENCH_WARMUP ?? 1);
const connectionCounts = (env.BENCH_CONNECTIONS ?? "1,10").split(",").map(Number);
const only = env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : null;
const scales = (env.BENCH_SCALES ?? "5k,10k,100k").split(",");
const withPeer = env.BENCH_PEER !== "0";
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

interface Target {
  label: "ours" | "peer" | "floor";
  shot: Shot;
  pid?: number | undefined;
}
interface Workload {
  name: string;
  targets: Target[];
  /** Throws unless every target returns the same page. */
  check(): Promise<void>;
}

/** Our server's source tree: this checkout, or BENCH_REF exported to a temporary directory. */
function sourceTree(): { dir: string; cleanup(): void } {
  if (!env.BENCH_REF) return { dir: root, cleanup: () => {} };
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-bench-ref-"));
  execSync(`git archive ${JSON.stringify(env.BENCH_REF)} | tar -x -C ${JSON.stringify(dir)}`, { cwd: root });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  execFileSync("npx", ["prisma", "generate", "--config", "prisma/prisma.config.ts"], { cwd: dir, stdio: "ignore" });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function ensurePeerInstalled(): string {
  const dir = path.join(root, "test/bench/peer");
  if (!existsSync(path.join(dir, "node_modules"))) {
    console.log("installing the benchmark's PostGraphile (test/bench/peer) …");
    execFileSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
  }
  return dir;
}

const results: { workload: string; connections: number; label: string; r: Round }[] = [];

function merge(rounds: Round[]): Round {
  return rounds.reduce((a, b) => ({
    count: a.count + b.count,
    errors: a.errors + b.errors,
    seconds: a.seconds + b.seconds,
    latencies: [...a.latencies, ...b.latencies],
    serverCpu: a.serverCpu === undefined ? undefined : a.serverCpu + (b.serverCpu ?? 0),
    dbCpu: a.dbCpu + b.dbCpu,
    clientCpu: a.clientCpu + b.clientCpu,
    bytes: a.bytes + b.bytes,
  }));
}

const fmt = (label: string, r: Round) =>
  `${label.padEnd(5)} ${(r.count / r.seconds).toFixed(1).padStart(8)} req/s  p50 ${pct(r.latencies, 0.5).toFixed(1).padStart(8)} ms  p99 ${pct(r.latencies, 0.99).toFixed(1).padStart(8)} ms  ` +
  `server CPU ${r.serverCpu === undefined ? "     -" : (r.serverCpu / r.count).toFixed(1).padStart(6)} ms/req  db CPU ${(r.dbCpu / r.count).toFixed(1).padStart(6)} ms/req  client CPU ${(r.clientCpu / r.count).toFixed(2).padStart(6)} ms/req  ` +
  `${(r.bytes / Math.max(r.count, 1) / 1024).toFixed(0)} KiB  n=${r.count}${r.errors ? ` errors=${r.errors}` : ""}`;

async function measure(w: Workload, admin: pg.Pool, database: string): Promise<void> {
  if (only && !only.test(w.name)) return;
  await w.check();
  for (const connections of connectionCounts) {
    const order = [...w.targets, ...[...w.targets].reverse()];
    const rounds = new Map<string, Round[]>();
    // Every target runs untimed for BENCH_WARMUP seconds before the timed rounds (JIT, pools, caches).
    for (const t of w.targets) await round(t.shot, connections, warmup, undefined, admin, database);
    for (const t of order) {
      rounds.set(t.label, [...(rounds.get(t.label) ?? []), await round(t.shot, connections, seconds, t.pid, admin, database)]);
    }
    console.log(`\n${w.name}, ${connections} connection(s), load average ${load()}`);
    const merged = new Map([...rounds].map(([label, rs]) => [label, merge(rs)]));
    for (const [label, r] of merged) {
      console.log("  " + fmt(label, r));
      results.push({ workload: w.name, connections, label, r });
    }
    const ours = merged.get("ours")!;
    for (const [label, r] of merged) {
      if (label !== "ours") console.log(`  ours / ${label}: ${(ours.count / ours.seconds / (r.count / r.seconds)).toFixed(2)}× req/s`);
    }
  }
}

function sameLeaves(label: string, a: string[], b: string[]): void {
  const [x, y] = [[...a].sort(), [...b].sort()];
  if (x.length !== y.length || x.some((v, i) => v !== y[i])) {
    const diff = x.findIndex((v, i) => v !== y[i]);
    throw new Error(`${label}: answers differ (${x.length} vs ${y.length} leaf rows) at\n  ${x[diff]}\n  ${y[diff]}`);
  }
}

async function main(): Promise<void> {
  console.log(`side-by-side benchmark: ${os.cpus().length} cores, load average ${load()}, ${seconds}s per round, rounds A/B/C/C/B/A`);
  const tree = sourceTree();
  const db = await benchDatabase("gov_bench_sbs");
  const { name, url: dbUrl } = db;
  const children: Child[] = [];
  const pool = new pg.Pool({ connectionString: dbUrl, max: 10 });
  pool.on("error", () => {}); // DROP DATABASE … WITH (FORCE) ends an idle client that is still closing
  const monitor = new pg.Pool({ connectionString: adminUrl, max: 1 });
  let seedClient: pg.PoolClient | undefined;
  try {
    execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: tree.dir, env: { ...env, DATABASE_URL: dbUrl }, stdio: "ignore" });
    seedClient = await pool.connect();
    let seeded = 0;
    const seedTo = async (keys: number) => {
      const to = keys / KEYS_PER_CUSTOMER;
      if (to > seeded) await seedCustomers(seedClient!, seeded, to);
      seeded = Math.max(seeded, to);
    };
    await seedTo(5_000);
    console.log(`seeded 5,000 keys; starting the servers (${tree.dir === root ? "this checkout" : env.BENCH_REF})`);
    const profile = env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(env.BENCH_PROFILE_DIR)}`] : [];
    // As `npm start` runs it: its node flags (package.json), on src/ through tsx.
    const startFlags = (JSON.parse(readFileSync(path.join(tree.dir, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.match(/--[\w-]+=\S+/g) ?? [];
    const ours = await spawnServer(process.execPath, [...startFlags, ...profile, "--import", "tsx", "src/main.ts"], tree.dir, {
      DATABASE_URL: dbUrl,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      GRAPHQL_MAX_COMPLEXITY: "1000000000",
      GRAPHQL_MAX_DEPTH: "50",
      NODE_ENV: "production",
    });
    children.push(ours);
    const peer = withPeer ? await spawnServer(process.execPath, ["server.mjs"], ensurePeerInstalled(), { DATABASE_URL: dbUrl, POOL_SIZE: "10", NODE_ENV: "production" }) : undefined;
    if (peer) children.push(peer);
    console.log(`servers up: ours pid ${ours.child.pid}${peer ? `, PostGraphile pid ${peer.child.pid}` : ""}`);
    const oursHttp = httpClient(`http://127.0.0.1:${ours.port}`, 16);
    const peerHttp = peer ? httpClient(`http://127.0.0.1:${peer.port}`, 16) : undefined;
    const floor = async (sql: string, values: unknown[]) => (await pool.query<{ page: string }>(sql, values)).rows[0]!.page;

    if (scales.includes("5k")) {
      for (const [first, keys] of [[50, 10], [10, 5]] as const) {
        const targets: Target[] = [{ label: "ours", pid: ours.child.pid, shot: async () => (await oursHttp.graphqlText(oursNested, { first, keys })).length }];
        if (peerHttp) targets.push({ label: "peer", pid: peer!.child.pid, shot: async () => (await peerHttp.graphqlText(peerNested, { first, keys })).length });
        targets.push({ label: "floor", shot: async () => (await floor(floorNested, [first, keys])).length });
        await measure(
          {
            name: `nested ${first} customers (${first * TEAMS_PER_CUSTOMER * keys} keys)`,
            targets,
            check: async () => {
              const mine = oursLeaves((await oursHttp.graphql(oursNested, { first, keys })).data);
              if (peerHttp) sameLeaves("ours vs PostGraphile", mine, peerLeaves((await peerHttp.graphql(peerNested, { first, keys })).data));
              sameLeaves("ours vs floor", mine, floorLeaves(JSON.parse(await floor(floorNested, [first, keys]))));
            },
          },
          monitor,
          name,
        );
      }
    }

    for (const [scale, keys] of [["10k", 10_000], ["100k", 100_000]] as const) {
      if (!scales.includes(scale)) continue;
      await seedTo(keys);
      console.log(`\nseeded ${keys} keys`);
      const lists: { name: string; path: string; offset: number; search: string | null }[] = [
        ...[0, 9_000, 90_000].filter((o) => o < keys).map((offset) => ({ name: `REST limit=100 offset=${offset}`, path: `?limit=100&offset=${offset}`, offset, search: null })),
        { name: "REST limit=100 search=c0007", path: "?limit=100&search=c0007", offset: 0, search: "%c0007%" },
      ];
      for (const l of lists) {
        const path = `/api/governance/virtual-keys${l.path}`;
        await measure(
          {
            name: `${l.name} @${scale}`,
            targets: [
              { label: "ours", pid: ours.child.pid, shot: async () => (await oursHttp.get(path)).length },
              { label: "floor", shot: async () => (await floor(floorRestPage, [l.offset, l.search])).length },
            ],
            check: async () =>
              sameLeaves("ours vs floor", restIds(JSON.parse(await oursHttp.get(path))), floorRestIds(JSON.parse(await floor(floorRestPage, [l.offset, l.search])))),
          },
          monitor,
          name,
        );
      }
      const deep = keys - 1_000;
      const { rows } = await pool.query<{ sv: string; at: Date; id: string }>(
        `SELECT to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sv, "createdAt" AS at, id FROM "VirtualKey" ORDER BY "createdAt", id OFFSET $1 LIMIT 1`,
        [deep - 1],
      );
      const after = rows[0]!;
      for (const [label, cursor, totalCount] of [["first page", null, false], [`after key ${deep}`, after, false], ["first page + totalCount", null, true]] as const) {
        const query = oursKeyset(totalCount);
        const variables = { after: cursor ? cursorOf(cursor.sv, cursor.id) : null };
        const values = cursor ? [cursor.at, cursor.id] : [null, null];
        await measure(
          {
            name: `GraphQL virtualKeys(first:100) ${label} @${scale}`,
            targets: [
              { label: "ours", pid: ours.child.pid, shot: async () => (await oursHttp.graphqlText(query, variables)).length },
              { label: "floor", shot: async () => (await floor(floorKeyset(totalCount), values)).length },
            ],
            check: async () => sameLeaves("ours vs floor", keysetIds((await oursHttp.graphql(query, variables)).data), floorKeysetIds(JSON.parse(await floor(floorKeyset(totalCount), values)))),
          },
          monitor,
          name,
        );
      }
    }
    await oursHttp.close();
    await peerHttp?.close();
    summary();
  } finally {
    seedClient?.release();
    for (const c of children) await c.stop();
    await pool.end();
    await monitor.end();
    await db.drop();
    tree.cleanup();
  }
}

function summary(): void {
  console.log(`\nsummary (req/s; ratio = ours req/s ÷ other req/s), load average ${load()}${env.BENCH_REF ? `, ours = ${env.BENCH_REF}` : ""}`);
  const keys = [...new Set(results.map((r) => `${r.workload}|${r.connections}`))];
  for (const key of keys) {
    const rows = results.filter((r) => `${r.workload}|${r.connections}` === key);
    const rate = (r: Round) => r.count / r.seconds;
    const ours = rows.find((r) => r.label === "ours")!;
    const parts = rows.map((r) => `${r.label} ${rate(r.r).toFixed(1)}`);
    const ratios = rows.filter((r) => r.label !== "ours").map((r) => `${(rate(ours.r) / rate(r.r)).toFixed(2)}× ${r.label}`);
    const cpu = ours.r.serverCpu === undefined ? "" : `, ours server CPU ${(ours.r.serverCpu / ours.r.count).toFixed(1)} ms/req`;
    console.log(`| ${key.replace("|", " | ")} conn | ${parts.join(", ")} | ${ratios.join(", ")}${cpu} |`);
  }
}

await main();
