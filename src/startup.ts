/**
 * Startup failures as one clear line each: what is wrong and how to fix it, no stack trace. Used by
 * src/main.ts and src/preflight.ts (before migrations).
 */
import { ConfigError, describeDatabase, loadConfig, type Config, type DatabaseTarget } from "./config.js";
import { pino } from "pino";
import { clip, createLogger } from "./logger.js";

type Failure = Error & { code?: unknown };

/** Prints each line as a fatal log line and exits 1 (written synchronously: nothing is lost to the exit). */
export function fail(lines: string[]): never {
  const logger = createLogger("info", pino.destination({ dest: 1, sync: true }));
  for (const line of lines) logger.fatal(line);
  process.exit(1);
}

/** The validated environment, or one line per bad variable and exit 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.problems);
    throw err;
  }
}

const unwritable = new Set(["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST", "ENOSPC"]);
const unreachable = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);

/** Why the database could not be opened, and the fix. */
export function databaseProblem(err: unknown, target: DatabaseTarget): string {
  const e = (err instanceof Error ? err : new Error(String(err))) as Failure;
  const where = describeDatabase(target);
  if (target.kind === "pglite") {
    if (/is in use by another process/.test(e.message)) return clip(e.message, 400);
    if (typeof e.code === "string" && unwritable.has(e.code)) {
      return `Cannot create or write the embedded database at ${target.dataDir} (${e.code}). Fix: set DATA_DIR to a writable directory.`;
    }
    return `Cannot open the embedded database at ${target.dataDir}: ${clip(e.message, 120)}. Fix: check DATA_DIR (the directory must hold a PGlite database created by this service, or be empty).`;
  }
  const url = new URL(target.url);
  const db = decodeURIComponent(url.pathname.slice(1));
  if (typeof e.code === "string" && unreachable.has(e.code)) {
    return `Cannot reach ${where} (${e.code}). Fix: start PostgreSQL there, or correct the host and port in DATABASE_URL.`;
  }
  if (/timeout/i.test(e.message)) return `Cannot reach ${where} (connection timed out). Fix: check that PostgreSQL runs there and the network allows it, or correct DATABASE_URL.`;
  if (e.code === "3D000") return `${where}: database "${db}" does not exist. Fix: create it (createdb ${db}), or correct the database name in DATABASE_URL.`;
  if (e.code === "28P01" || e.code === "28000") return `${where}: authentication failed for user "${decodeURIComponent(url.username)}". Fix: correct the user and password in DATABASE_URL.`;
  const code = typeof e.code === "string" ? ` (${e.code})` : "";
  return `Cannot open ${where}${code}. Fix: check DATABASE_URL and that the server accepts connections.`;
}

/** Why the server could not listen, and the fix. */
export function listenProblem(err: unknown, config: Pick<Config, "HOST" | "PORT">): string {
  const code = (err as Failure).code;
  const at = `${config.HOST}:${config.PORT}`;
  if (code === "EADDRINUSE") return `Port ${config.PORT} is already in use on ${config.HOST}. Fix: stop the process using it, or set PORT to a free port.`;
  if (code === "EACCES") return `Not allowed to listen on ${at} (EACCES). Fix: set PORT above 1023, or run with the right to bind low ports.`;
  if (code === "EADDRNOTAVAIL") return `HOST=${config.HOST} is not an address of this machine. Fix: set HOST to one of its addresses, or 0.0.0.0 for all of them.`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `HOST=${config.HOST} does not resolve to an address. Fix: set HOST to an IP address or a resolvable name.`;
  return `Cannot listen on ${at}${typeof code === "string" ? ` (${code})` : ""}. Fix: check HOST and PORT.`;
}
