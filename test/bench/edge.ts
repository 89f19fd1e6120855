/**
 * The HTTP edge's fixed cost per request (`npm run bench`; not part of `npm test`): server CPU per request of our
 * server for `GET /health` (nothing but the edge), the REST page `GET /api/governance/virtual-keys?limit=100` and
 * the GraphQL keyset page `virtualKeys(first: 100)` at 10k keys, next to a minimal node:http server (test/bench/
 * edge/floor.mjs) answering the same requests with one `pg` statement each, in the same run. With BENCH_REF=<git
 * ref>, that commit's server runs alongside (same database) so a change is measured A/B in one run.
 * Every server runs as deployed (NODE_ENV=production, LOG_LEVEL=info, stdout to a file); rounds alternate A/B/C/C/B/A.
 * Prints req/s, p50/p99, server CPU ms/req (from /proc) and, per workload, ours − floor (the cost of our stack).
 * Our servers run with `npm start`'s node flags (package.json), on src/ through tsx. About a minute without BENCH_REF.
 * Env: BENCH_SECONDS (per round, default 1.5), BENCH_CONNECTIONS (default 1,10), BENCH_ONLY (regex on workload
 * names), BENCH_REF, BENCH_PROFILE_DIR (our server runs with --cpu-prof there), TEST_DATABASE_URL (admin URL).
 */
import { execFileSync, execSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { root } from "../helpers/process.js";
import { httpClient, pct, round, type Round, type Shot } from "./side-by-side/drive.js";
import { floorKeyset, floorRestPage, oursKeyset } from "./side-by-side/lists.js";
import { seedCustomers } from "./side-by-side/seed.js";
import { adminUrl, benchDatabase } from "./database.js";

const env = process.env;
const seconds = Number(env.BENCH_SECONDS ?? 1.5);
const connectionCounts = (env.BENCH_CONNECTIONS ?? "1,10").split(",").map(Number);
const only = env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : null;
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const work = mkdtempSync(path.join(os.tmpdir(), "gov-bench-edge-"));

interface Server {
  child: ChildProcess;
  port: number;
  log: string;
  stop(): Promise<void>;
}

/** Spawns a server with stdout and stderr to a file (as deployed: no pipe to drain), resolving once it listens. */
async function start(label: string, args: string[], cwd: string, extra: Record<string, string>): Promise<Server> {
  const log = path.join(work, `${label}.log`);
  const fd = openSync(log, "w");
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...extra }, stdio: ["ignore", fd, fd] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  for (let waited = 0; waited < 90_000; waited += 100) {
    const port = /"port":\s*(\d+)/.exec(readFileSync(log, "utf8"))?.[1];
    if (port) {
      const stop = async () => {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
      };
      return { child, port: Number(port), log, stop };
    }
    if (done) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`${label} did not start:\n${readFileSync(log, "utf8").slice(-2000)}`);
}

/** Our server's source tree: this checkout, or a git ref exported to a temporary directory. */
function exportRef(ref: string, databaseUrl: string): string {
  const dir = path.join(work, "ref");
  execSync(`mkdir -p ${JSON.stringify(dir)} && git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(dir)}`, { cwd: root });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  execFileSync("npx", ["prisma", "generate", "--config", "prisma/prisma.config.ts"], { cwd: dir, stdio: "ignore" });
  // Its migrations too (a newer ref may have more; they only add)
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: dir, env: { ...env, DATABASE_URL: databaseUrl }, stdio: "ignore" });
  return dir;
}

const fmt = (label: string, r: Round) =>
  `${label.padEnd(6)} ${(r.count / r.seconds).toFixed(0).padStart(6)} req/s  p50 ${pct(r.latencies, 0.5).toFixed(2).padStart(6)} ms  p99 ${pct(r.latencies, 0.99).toFixed(2).padStart(6)} ms  ` +
  `server CPU ${((r.serverCpu ?? 0) / r.count).toFixed(3).padStart(6)} ms/req  client CPU ${(r.clientCpu / r.count).toFixed(3)} ms/req  n=${r.count}${r.errors ? ` errors=${r.errors}` : ""}`;

const merge = (rs: Round[]): Round =>
  rs.reduce((a, b) => ({
    count: a.count + b.count,
    errors: a.errors + b.errors,
    seconds: a.seconds + b.seconds,
    latencies: [...a.latencies, ...b.latencies],
    serverCpu: (a.serverCpu ?? 0) + (b.serverCpu ?? 0),
    dbCpu: a.dbCpu + b.dbCpu,
    clientCpu: a.clientCpu + b.clientCpu,
    bytes: a.bytes + b.bytes,
  }));

const summary: string[] = [];

async function main(): Promise<void> {
  console.log(`edge benchmark: ${os.cpus().length} cores, load average ${load()}, ${seconds}s per round, rounds A/B/C/C/B/A`);
  const db = await benchDatabase("gov_bench_edge");
  const { name, url: dbUrl } = db;
  const monitor = new pg.Pool({ connectionString: adminUrl, max: 1 });
  const servers: Server[] = [];
  const clients: ReturnType<typeof httpClient>[] = [];
  try {
    execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...env, DATABASE_URL: dbUrl }, stdio: "ignore" });
    const refDir = env.BENCH_REF ? exportRef(env.BENCH_REF, dbUrl) : undefined; // migrated before seeding
    const seed = new pg.Client({ connectionString: dbUrl });
    await seed.connect();
    await seedCustomers(seed, 0, 100); // 10,000 keys
    await seed.end();
    const serverEnv = { DATABASE_URL: dbUrl, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", NODE_ENV: "production", MIGRATE_ON_START: "false" };
    const profile = env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(env.BENCH_PROFILE_DIR)}`] : [];
    const startFlags = (dir: string) => (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.match(/--[\w-]+=\S+/g) ?? [];
    const ours = await start("ours", [...startFlags(root), ...profile, "--import", "tsx", "src/main.ts"], root, serverEnv);
    servers.push(ours);
    const ref = refDir ? await start("ref", [...startFlags(refDir), "--import", "tsx", "src/main.ts"], refDir, serverEnv) : undefined;
    if (ref) servers.push(ref);
    const health = await (await fetch(`http://127.0.0.1:${ours.port}/health`)).text();
    const floor = await start("floor", [path.join(root, "test/bench/edge/floor.mjs")], root, { DATABASE_URL: dbUrl, REST_SQL: floorRestPage, KEYSET_SQL: floorKeyset(false), HEALTH: health });
    servers.push(floor);
    console.log(`servers up: ours pid ${ours.child.pid}${ref ? `, ${env.BENCH_REF} pid ${ref.child.pid}` : ""}, floor pid ${floor.child.pid}`);

    const targets = [
      { label: "ours", server: ours },
      ...(ref ? [{ label: "ref", server: ref }] : []),
      { label: "floor", server: floor },
    ].map((t) => ({ ...t, http: httpClient(`http://127.0.0.1:${t.server.port}`, 16) }));
    clients.push(...targets.map((t) => t.http));
    const floorHttp = targets.find((t) => t.label === "floor")!.http;
    const query = oursKeyset(false);
    const workloads: { name: string; shot: (h: ReturnType<typeof httpClient>) => Shot }[] = [
      { name: "GET /health", shot: (h) => async () => (await h.get("/health")).length },
      { name: "REST virtual-keys?limit=100", shot: (h) => async () => (await h.get("/api/governance/virtual-keys?limit=100")).length },
      // graphqlText throws on a GraphQL error; the floor answers its own JSON (same query in the body, read and parsed)
      { name: "GraphQL virtualKeys(first:100)", shot: (h) => async () => (h === floorHttp ? await h.post("/graphql", JSON.stringify({ query, variables: {} })) : await h.graphqlText(query, {})).length },
    ];
    for (const w of workloads) {
      if (only && !only.test(w.name)) continue;
      for (const connections of connectionCounts) {
        const order = [...targets, ...[...targets].reverse()];
        const rounds = new Map<string, Round[]>();
        for (const t of order) {
          const shot = w.shot(t.http);
          for (const until = performance.now() + 300; performance.now() < until; ) await shot(); // warm (JIT)
          rounds.set(t.label, [...(rounds.get(t.label) ?? []), await round(shot, connections, seconds, t.server.child.pid, monitor, name)]);
        }
        console.log(`\n${w.name}, ${connections} connection(s), load average ${load()}`);
        const merged = new Map([...rounds].map(([label, rs]) => [label, merge(rs)]));
        for (const [label, r] of merged) console.log(`  ${fmt(label, r)}`);
        const cpu = (label: string) => merged.get(label)!.serverCpu! / merged.get(label)!.count;
        const rate = (label: string) => merged.get(label)!.count / merged.get(label)!.seconds;
        const line = [...merged.keys()].filter((l) => l !== "floor").map((l) => `${l} ${cpu(l).toFixed(3)} ms/req (${rate(l).toFixed(0)} req/s; ${(cpu(l) / cpu("floor")).toFixed(1)}× floor CPU, +${(cpu(l) - cpu("floor")).toFixed(3)} ms)`);
        summary.push(`| ${w.name} | ${connections} | ${line.join(" | ")} | floor ${cpu("floor").toFixed(3)} ms/req (${rate("floor").toFixed(0)} req/s) |`);
      }
    }
    console.log(`\nsummary: server CPU per request, load average ${load()}${ref ? `, ref = ${env.BENCH_REF}` : ""}`);
    for (const line of summary) console.log(line);
  } finally {
    for (const c of clients) await c.close();
    for (const s of servers) await s.stop();
    await monitor.end();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
