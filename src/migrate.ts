/**
 * Applies pending migrations before the server listens: `prisma migrate deploy` (prisma/prisma.config.ts) as a
 * child process of this one, so a SIGTERM or SIGINT during migrations reaches it (src/main.ts forwards them).
 * The CLI's own output is kept off the log on success (it names placeholder URLs that read as ignored
 * configuration); one line says what was applied. On failure its lines are logged, then one fatal line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Logger } from "./logger.js";
import { clip } from "./logger.js";

/** The package root (beside src/ and dist/): the CLI resolves prisma/… from there. */
const root = fileURLToPath(new URL("..", import.meta.url));
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");

export interface Migration {
  /** Resolves with the names of the migrations applied now; rejects with the CLI's output lines. */
  done: Promise<string[]>;
  child: ChildProcess;
}

export class MigrationError extends Error {
  constructor(
    readonly code: number | null,
    readonly lines: string[],
  ) {
    super(`prisma migrate deploy exited with ${code}`);
  }
}

export function migrate(): Migration {
  const child = spawn(process.execPath, [cli, "migrate", "deploy", "--config", "prisma/prisma.config.ts"], {
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const done = new Promise<string[]>((resolve, reject) => {
    child.once("error", (err) => reject(new MigrationError(null, [err.message])));
    child.once("close", (code) => {
      const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
      if (code === 0) resolve(lines.flatMap((l) => /^└─ (\S+)\//.exec(l)?.[1] ?? []));
      else reject(new MigrationError(code, lines));
    });
  });
  return { done, child };
}

/** Logs a failed run: the CLI's lines (warn), bounded; the caller then fails with one fatal line. */
export function logMigrationOutput(logger: Logger, err: MigrationError): void {
  for (const line of err.lines.slice(-20)) logger.warn(`migrate: ${clip(line, 400)}`);
}
