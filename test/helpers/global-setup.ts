/**
 * Once per project: migrate a database with the real Prisma CLI (npm run db:migrate).
 * - pglite: a template data dir, dumped once per migration set (cached by content hash); each test
 *   file restores it into an in-memory PGlite (toolchain pitfall #15).
 * - postgres: a fresh database on TEST_DATABASE_URL's server (default 127.0.0.1:5432), dropped after.
 *   If PostgreSQL is unreachable this throws: the suite fails, it is never skipped.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { pgliteExtensions } from "../../src/db/pglite-extensions.js";

const root = path.resolve(import.meta.dirname, "../..");

function migrate(env: Record<string, string>): void {
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function migrationsHash(): string {
  const dir = path.join(root, "prisma/migrations");
  const h = createHash("sha256");
  for (const d of readdirSync(dir).sort()) {
    const f = path.join(dir, d, "migration.sql");
    if (existsSync(f)) h.update(d).update(readFileSync(f));
  }
  return h.digest("hex").slice(0, 16);
}

async function pgliteTemplate(): Promise<string> {
  const cacheDir = path.join(root, "node_modules/.cache/governance-tests");
  const file = path.join(cacheDir, `pglite-template-${migrationsHash()}.tar.gz`);
  if (existsSync(file)) return file;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "gov-template-"));
  try {
    migrate({ DATABASE_URL: "", DATA_DIR: tmp });
    const db = new PGlite({ dataDir: path.join(tmp, "pglite"), extensions: pgliteExtensions });
    await db.waitReady; // without it dumpDataDir never settles and vitest exits 0 having run nothing
    const dump = await db.dumpDataDir("gzip");
    await db.close();
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file); // atomic: concurrent runs never read a half-written template
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const adminUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl()} (set TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  const name = `gov_test_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  migrate({ DATABASE_URL: url.toString() });
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (project.config.env?.TEST_DB === "postgres") {
    const db = await postgresDatabase();
    project.provide("databaseUrl", db.url);
    project.provide("pgliteTemplate", "");
    return db.drop;
  }
  project.provide("pgliteTemplate", await pgliteTemplate());
  project.provide("databaseUrl", "");
  return undefined;
}
