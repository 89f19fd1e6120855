/** Load driver and process/CPU helpers of the side-by-side benchmark. */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { Pool } from "undici";

/** A timed target: one request, resolving to the bytes received. */
export type Shot = () => Promise<number>;

export interface Round {
  count: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU ms of the server process during the round (undefined for the floor: no server). */
  serverCpu?: number;
  /** CPU ms of the PostgreSQL backends connected to the benchmark database during the round. */
  dbCpu: number;
  /** CPU ms of this (the load-generating) process during the round: the client's share of the machine. */
  clientCpu: number;
  bytes: number;
}

/** user + system CPU of a process in ms (Linux /proc; ticks are 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

async function backendCpu(admin: pg.Pool, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

/** Runs `shot` from `connections` concurrent loops for `seconds` (in-flight requests finish), measuring CPU. */
export async function round(shot: Shot, connections: number, seconds: number, serverPid: number | undefined, admin: pg.Pool, database: string): Promise<Round> {
  const r: Round = { count: 0, errors: 0, seconds: 0, latencies: [], dbCpu: 0, clientCpu: 0, bytes: 0 };
  const db0 = await backendCpu(admin, database);
  const cpu0 = serverPid ? cpuMs(serverPid) : 0;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const a = performance.now();
        try {
          const bytes = await shot();
          r.bytes += bytes;
          r.latencies.push(performance.now() - a);
          r.count++;
        } catch (err) {
          if (r.errors++ === 0) console.error(`  error: ${(err as Error).message.slice(0, 300)}`);
        }
      }
    }),
  );
  r.seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  r.clientCpu = (client.user + client.system) / 1000;
  if (serverPid) r.serverCpu = cpuMs(serverPid) - cpu0;
  const db1 = await backendCpu(admin, database);
  for (const [pid, ms] of db1) r.dbCpu += ms - (db0.get(pid) ?? 0);
  return r;
}

/**
 * Keep-alive HTTP client (undici's Pool) with at most `sockets` connections. A load generator that shares 2 cores
 * with the server and PostgreSQL must cost little: node:http's client spent 0.27-0.42 ms of CPU per GraphQL page
 * request (with JSON.parse of the answer), undici without parsing ~0.1; the floor's pg client ~0.05. Timed shots
 * (`get`, `graphqlText`) check the status and return the body unparsed, as the floor's shot returns its
 * text; answers are parsed and compared before timing (`graphql`).
 */
export function httpClient(base: string, sockets: number) {
  const pool = new Pool(base, { connections: sockets, pipelining: 1 });
  const request = async (method: "GET" | "POST", path: string, body?: string) => {
    const res = await pool.request({ method, path, body: body ?? null, headers: body ? { "content-type": "application/json" } : {} });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
    return text;
  };
  const graphqlText = async (query: string, variables: object) => {
    const text = await request("POST", "/graphql", JSON.stringify({ query, variables }));
    // A GraphQL error is answered 200 with `errors` (first in yoga's answer, never inside these pages' data).
    if (!text.startsWith('{"data":')) throw new Error(`GraphQL errors: ${text.slice(0, 500)}`);
    return text;
  };
  return {
    get: request.bind(null, "GET"),
    graphqlText,
    post: request.bind(null, "POST"),
    graphql: async (query: string, variables: object) => {
      const text = await graphqlText(query, variables);
      const parsed = JSON.parse(text) as { data?: any; errors?: unknown };
      if (parsed.errors || !parsed.data) throw new Error(`GraphQL errors: ${JSON.stringify(parsed.errors).slice(0, 500)}`);
      return { text, data: parsed.data };
    },
    close: () => pool.close(),
  };
}

export interface Child {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** Spawns a server that prints a JSON line with `port` when listening. */
export function spawnServer(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", (code, signal) => console.error(`[${path.basename(args.at(-1)!)} pid ${child.pid} exited: code ${code}, signal ${signal}]\n${logs.slice(-5).join("\n")}`));
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within 90 s:\n${logs.join("\n")}`));
    }, 90_000);
    let buffer = "";
    const feed = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        if (logs.length > 50) logs.shift();
        const port = /"port":\s*(\d+)/.exec(line)?.[1];
        if (port) {
          clearTimeout(timer);
          resolve({
            child,
            port: Number(port),
            stop: async () => {
              child.kill("SIGTERM");
              const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
              await exited;
              clearTimeout(killer);
            },
          });
        }
      }
    };
    child.stdout.on("data", feed);
    child.stderr.on("data", feed);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${logs.join("\n")}`));
    });
  });
}

export const pct = (xs: number[], p: number) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.floor(v.length * p))]! : NaN;
};
