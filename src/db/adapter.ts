import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseTarget } from "../config.js";
import { lockDataDir } from "./lock.js";
import { pgliteExtensions } from "./pglite-extensions.js";
import { withPrismaErrorCodes } from "./runtime-workarounds.js";

/**
 * Direct driver access for the enforcement hot path (src/services/enforcement-sql.ts, usage-sql.ts): one
 * statement per call over the same connections Prisma uses, without Prisma's per-query overhead.
 */
export interface RawSql {
  readonly engine: "pglite" | "postgres";
  /** Runs one statement with positional parameters ($1…); `name` prepares it once per connection (PostgreSQL). */
  query<R = Record<string, unknown>>(text: string, values: readonly unknown[], name?: string): Promise<R[]>;
}

export interface PoolStats {
  total: number;
  idle?: number;
  waiting?: number;
}

export interface OpenedAdapter {
  factory: SqlDriverAdapterFactory;
  raw: RawSql;
  /** Releases what Prisma's $disconnect does not: the PGlite instance and its data-dir lock. */
  close(): Promise<void>;
  /** Connections now (metrics): the pg pool's counts; PGlite has one connection and no pool. */
  stats(): PoolStats;
  pglite?: PGlite;
}

export interface AdapterOptions {
  /** PGlite only: start from a dumped data dir (tests restore a migrated template this way). */
  loadDataDir?: Blob;
  /** PostgreSQL only: pool size per process. */
  poolSize?: number;
}

/**
 * `?pgbouncer=true` in DATABASE_URL: the server is reached through PgBouncer (or another pooler) in transaction
 * mode, where a named prepared statement lives on one server connection and the next call may land on another.
 * The hot path then sends unnamed statements. The parameter is removed before the URL reaches pg.
 */
export function poolerOption(connectionString: string): { url: string; pgbouncer: boolean } {
  const url = new URL(connectionString);
  const pgbouncer = url.searchParams.get("pgbouncer") === "true";
  url.searchParams.delete("pgbouncer");
  return { url: url.toString(), pgbouncer };
}

/**
 * Without the parameter behind such a pooler, a named statement fails before it runs: 26000 (prepared statement
 * does not exist: prepared on another server connection) or 42P05 (already exists: another client prepared it
 * on this one). Detected once, the process switches to unnamed statements.
 */
const namedStatementsBroken = (err: unknown) => ["26000", "42P05"].includes((err as { code?: string }).code ?? "");

/** Chooses the driver adapter for the target; the schema's provider (postgresql) fits both. */
export async function openAdapter(target: DatabaseTarget, options: AdapterOptions = {}): Promise<OpenedAdapter> {
  if (target.kind === "postgres") {
    // One pool per process, shared by Prisma and the raw hot path.
    const { url, pgbouncer } = poolerOption(target.url);
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    pool.on("error", () => {}); // an idle client's connection broke: pg drops it; the next query reconnects
    const factory = new PrismaPg(pool, { disposeExternalPool: false });
    let named = !pgbouncer;
    const raw: RawSql = {
      engine: "postgres",
      query: async (text, values, name) => {
        if (!named || !name) return (await pool.query({ text, values: values as unknown[] })).rows;
        try {
          return (await pool.query({ text, values: values as unknown[], name })).rows;
        } catch (err) {
          if (!namedStatementsBroken(err)) throw err;
          named = false; // behind a transaction pooler: the failure came before execution, so retrying is safe
          return (await pool.query({ text, values: values as unknown[] })).rows;
        }
      },
    };
    const stats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    return { factory, raw, close: () => pool.end(), stats };
  }
  const inMemory = target.dataDir.startsWith("memory://");
  const release = inMemory ? undefined : await lockDataDir(target.dataDir);
  try {
    const pglite = new PGlite({
      ...(inMemory ? {} : { dataDir: target.dataDir }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: pgliteExtensions,
    });
    await pglite.waitReady;
    const factory = withPrismaErrorCodes(new PrismaPGlite(pglite));
    const raw: RawSql = {
      engine: "pglite",
      // PGlite serialises every query (and waits for an open Prisma transaction) on one connection.
      query: async (text, values) => (await pglite.query(text, values as unknown[])).rows as never[],
    };
    return {
      factory,
      raw,
      pglite,
      stats: () => ({ total: 1 }),
      close: async () => {
        await pglite.close();
        await release?.();
      },
    };
  } catch (err) {
    await release?.();
    throw err;
  }
}
