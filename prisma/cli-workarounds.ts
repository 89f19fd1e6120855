/**
 * Work-arounds the Prisma 6.19 CLI (WASM schema engine, `engine: "js"`) needs to run migrations
 * through driver adapters, offline. Used ONLY by prisma/prisma.config.ts. Each patch names the
 * pitfall it works around (numbers from ../shared/spec/toolchain.md §6). Delete a patch when the
 * upstream fix lands, and re-run `npm test` (test/db/migrations.test.ts drives this file).
 */
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { pgliteExtensions } from "../src/db/pglite-extensions.js";
import { lockDataDir } from "../src/db/lock.js";

/** Returns `target` with some methods replaced; everything else is forwarded (prototype methods bound). */
function override<T extends object>(target: T, methods: Partial<T>): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      if (key in methods) return (methods as Record<PropertyKey, unknown>)[key];
      const value = Reflect.get(obj, key, receiver);
      return typeof value === "function" ? value.bind(obj) : value;
    },
  });
}

/**
 * #4/#5: the engine replays a whole migration.sql on the shadow DB with ONE executeRaw (no args);
 * the extended protocol rejects several statements. Route argument-less executeRaw to executeScript.
 */
function scriptAwareShadow(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return override(adapter, {
    executeRaw: async (query: SqlQuery) => {
      if (query.args.length === 0 && query.sql.includes(";")) {
        await adapter.executeScript(query.sql);
        return 0;
      }
      return adapter.executeRaw(query);
    },
  });
}

/** #10: pglite-prisma-adapter 0.6.1 executeScript does not await exec, so failures were recorded as success. */
function awaitingPgliteScript(adapter: SqlDriverAdapter, db: PGlite): SqlDriverAdapter {
  return override(adapter, {
    executeScript: async (script: string) => {
      try {
        await db.exec(script);
      } catch (e) {
        const err = e as { code?: string; message: string; severity?: string };
        throw new DriverAdapterError({
          kind: "postgres",
          code: err.code ?? "UNKNOWN",
          severity: err.severity ?? "ERROR",
          message: err.message,
          detail: undefined,
          column: undefined,
          hint: undefined,
        });
      }
    },
  });
}

/**
 * #9: the WASM engine leaves 10 s / 60 s advisory-lock guard timers, PGlite re-arms a 10 s timer,
 * and the CLI never calls adapter.dispose(): the CLI lingers after printing its result. Long timers
 * are unref'd so the process can exit; resources are closed on 'beforeExit' (#14).
 */
function unrefLingeringCliTimers(): void {
  const flag = Symbol.for("governance.cli.timers-unrefd");
  const g = globalThis as Record<symbol, unknown>;
  if (g[flag]) return;
  g[flag] = true;
  const originalSetTimeout = globalThis.setTimeout;
  const originalSetInterval = globalThis.setInterval;
  const patched = <F extends typeof setTimeout | typeof setInterval>(original: F) =>
    ((handler: unknown, delay?: number, ...args: unknown[]) => {
      const timer = (original as (...a: unknown[]) => NodeJS.Timeout)(handler, delay, ...args);
      if ((delay ?? 0) >= 5_000 && typeof timer?.unref === "function") timer.unref();
      return timer;
    }) as unknown as F;
  globalThis.setTimeout = Object.assign(patched(originalSetTimeout), originalSetTimeout);
  globalThis.setInterval = Object.assign(patched(originalSetInterval), originalSetInterval);
}

function onExit(fn: () => Promise<void>): void {
  let done = false;
  process.once("beforeExit", () => {
    if (done) return;
    done = true;
    void fn();
  });
}

/** PGlite for the CLI: one process per data dir (#17), parents created (#13), closed on exit (#14). */
const openPglites = new Map<string, Promise<PGlite>>();

/** The CLI asks for the adapter more than once per run: open (and lock) each data dir once per process. */
function openCliPglite(dataDir: string): Promise<PGlite> {
  let opened = openPglites.get(dataDir);
  if (!opened) {
    opened = (async () => {
      const inMemory = dataDir.startsWith("memory://");
      const release = inMemory ? undefined : await lockDataDir(dataDir);
      if (!inMemory) mkdirSync(dataDir, { recursive: true });
      const db = new PGlite({ ...(inMemory ? {} : { dataDir }), extensions: pgliteExtensions });
      await db.waitReady;
      onExit(async () => {
        await db.close();
        await release?.();
      });
      return db;
    })();
    openPglites.set(dataDir, opened);
  }
  return opened;
}

export async function cliPgliteAdapter(dataDir: string): Promise<SqlMigrationAwareDriverAdapterFactory> {
  unrefLingeringCliTimers();
  const db = await openCliPglite(dataDir);
  const factory = new PrismaPGlite(db);
  return override(factory as unknown as SqlMigrationAwareDriverAdapterFactory, {
    connect: async () => awaitingPgliteScript(await factory.connect(), db),
    connectToShadowDb: async () => {
      const shadow = new PGlite({ extensions: pgliteExtensions }); // in memory: creating migrations needs no server at all
      await shadow.waitReady;
      const adapter = await new PrismaPGlite(shadow).connect();
      return override(scriptAwareShadow(awaitingPgliteScript(adapter, shadow)), {
        dispose: async () => shadow.close(),
      });
    },
  });
}

/** #6: adapter-pg 6.19.3 cannot deserialize `name` (OID 19) and `"char"` (OID 18); label them text (25). */
class NameAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const relabel = (res: pg.QueryResult | pg.QueryResult[] | undefined) => {
      for (const r of Array.isArray(res) ? res : res ? [res] : []) {
        for (const f of r.fields ?? []) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
      }
      return res;
    };
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, res: pg.QueryResult) => last(err, relabel(res));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<pg.QueryResult>).then === "function") {
      return (out as Promise<pg.QueryResult>).then(relabel) as never;
    }
    return out as never;
  }
}

/** #7: node-postgres lets a URL's database win over `database`; always build pools from discrete fields. */
function pgConfigFromUrl(url: string, database?: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: database ?? (decodeURIComponent(u.pathname.slice(1)) || undefined),
    ssl: u.searchParams.get("sslmode") === "require" ? { rejectUnauthorized: false } : undefined,
    allowExitOnIdle: true, // #9
    Client: NameAsTextClient,
  };
}

/** adapter-pg's executeScript splits on ';' (breaks DO blocks); run the script with the simple protocol. */
function simpleProtocolScript(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  return override(adapter, {
    executeScript: async (script: string) => {
      try {
        await pool.query(script);
      } catch (e) {
        const err = e as pg.DatabaseError;
        throw new DriverAdapterError({
          kind: "postgres",
          code: err.code ?? "UNKNOWN",
          severity: err.severity ?? "ERROR",
          message: err.message,
          detail: err.detail,
          column: err.column,
          hint: err.hint,
        });
      }
    },
  });
}

async function pgAdapter(config: pg.PoolConfig): Promise<{ adapter: SqlDriverAdapter; pool: pg.Pool }> {
  const pool = new pg.Pool(config);
  const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
  return { adapter: simpleProtocolScript(adapter, pool), pool };
}

/** A real PostgreSQL for the CLI, with the shadow DB created from discrete fields and dropped after its pool closes (#7, #8). */
export async function cliPgAdapter(url: string): Promise<SqlMigrationAwareDriverAdapterFactory> {
  unrefLingeringCliTimers();
  const pools: pg.Pool[] = [];
  onExit(async () => {
    await Promise.allSettled(pools.map((p) => p.end()));
  });
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => {
      const { adapter, pool } = await pgAdapter(pgConfigFromUrl(url));
      pools.push(pool);
      return adapter;
    },
    connectToShadowDb: async () => {
      const name = `prisma_shadow_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Pool(pgConfigFromUrl(url));
      await admin.query(`CREATE DATABASE "${name}"`);
      const { adapter, pool } = await pgAdapter(pgConfigFromUrl(url, name));
      return override(scriptAwareShadow(adapter), {
        dispose: async () => {
          await pool.end();
          await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
          await admin.end();
        },
      });
    },
  };
}
