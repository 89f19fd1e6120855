/** Starts real server processes (node + tsx, src/main.ts) on an ephemeral port and talks HTTP to them. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";

export const root = path.resolve(import.meta.dirname, "../..");

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Every log line so far. */
  logs: string[];
  exited: Promise<number | null>;
}

export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL"); // never leave an orphan server behind a failed start
      reject(new Error(`server did not start within 60 s:\n${logs.join("\n")}`));
    }, 60_000);
    const onLine = (line: string) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg?.startsWith("listening on") && entry.port) {
          clearTimeout(timer);
          resolve({ child, url: `http://127.0.0.1:${entry.port}`, logs, exited });
        }
      } catch {
        /* not JSON */
      }
    };
    let buffer = "";
    const feed = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      lines.filter(Boolean).forEach(onLine);
    };
    child.stdout.on("data", feed);
    child.stderr.on("data", feed);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code} before listening:\n${logs.join("\n")}`), { code, logs }));
    });
  });
}

export async function stopServer(s: ServerProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  s.child.kill(signal);
  return s.exited;
}

export async function http(base: string, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) };
}

export interface Finished {
  code: number | null;
  /** stdout and stderr, line by line. */
  lines: string[];
}

/** Runs a command in the repo to completion (for processes that must refuse to start). */
export function runToExit(command: string, args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<Finished> {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.split("\n").filter(Boolean) });
    }),
  );
}

/** src/main.ts (or another entry under src/) as a process that is expected to exit. */
export const runEntry = (entry: string, env: Record<string, string>) => runToExit(process.execPath, ["--import", "tsx", entry], { HOST: "127.0.0.1", PORT: "0", ...env });

/**
 * Compiles src/ to dist/ (what `npm start` runs) once per change: tsc's incremental build, under a file lock
 * because both vitest projects may ask at once.
 */
export async function buildDist(): Promise<void> {
  const lockDir = path.join(root, "node_modules/.cache/governance-tests");
  mkdirSync(lockDir, { recursive: true });
  const release = await lockfile.lock(lockDir, { lockfilePath: path.join(lockDir, "dist-build.lock"), retries: { retries: 300, minTimeout: 200, maxTimeout: 1000 }, stale: 120_000 });
  try {
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "src/tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  } finally {
    await release();
  }
}
