import type { DatabaseTarget } from "../config.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { openAdapter, type AdapterOptions, type PoolStats, type RawSql } from "./adapter.js";

export type { PoolStats, RawSql };

export type Db = PrismaClient;
/** A Prisma transaction client (the `tx` argument of an interactive transaction). */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * The process's single Prisma client. Assigned by openDatabase() before the app serves requests;
 * services import it (ESM live binding) and never receive it through the request context.
 */
export let db: Db;

/**
 * Raw statements on the same connections, for the enforcement hot path only (one round trip per check or
 * record). Assigned together with `db`; SQL stays inside src/services.
 */
export let rawSql: RawSql;

/** A statement and its parameters (the Prisma query event's, parsed; undefined when not JSON). */
type QueryListener = (sql: string, params?: readonly unknown[]) => void;
const queryListeners = new Set<QueryListener>();
let closeCurrent: (() => Promise<void>) | undefined;
let currentStats: (() => PoolStats) | undefined;

export interface OpenOptions extends AdapterOptions {
  /** Emit every SQL statement to onQuery() listeners (tests count statements). */
  captureQueries?: boolean;
}

/** Opens the database for this process and makes it the `db` every service uses. */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Db> {
  if (closeCurrent) throw new Error("database already open in this process");
  const opened = await openAdapter(target, options);
  const client = new PrismaClient({
    adapter: opened.factory,
    log: options.captureQueries ? [{ emit: "event", level: "query" }] : [],
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  });
  if (options.captureQueries) {
    (client as unknown as { $on(e: "query", cb: (ev: { query: string; params: string }) => void): void }).$on("query", (ev) => {
      if (!queryListeners.size) return;
      const params = parseParams(ev.params);
      for (const l of queryListeners) l(ev.query, params);
    });
  }
  await client.$connect();
  db = client;
  rawSql = options.captureQueries
    ? {
        engine: opened.raw.engine,
        query: (text, values, name) => {
          for (const l of queryListeners) l(text, values);
          return opened.raw.query(text, values, name);
        },
      }
    : opened.raw;
  currentStats = opened.stats;
  closeCurrent = async () => {
    currentStats = undefined;
    await client.$disconnect();
    await opened.close();
  };
  return client;
}

/** Closes the database (PGlite is shut down cleanly and its lock released). Idempotent. */
export async function closeDatabase(): Promise<void> {
  const close = closeCurrent;
  closeCurrent = undefined;
  await close?.();
}

/** The open database's connection counts (metrics); undefined when none is open. */
export function poolStats(): PoolStats | undefined {
  return currentStats?.();
}

function parseParams(json: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Subscribes to executed SQL statements (only when opened with captureQueries). */
export function onQuery(listener: QueryListener): () => void {
  queryListeners.add(listener);
  return () => queryListeners.delete(listener);
}
