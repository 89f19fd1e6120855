/**
 * Readiness (GET /ready): the database answers and every migration shipped with this build (prisma/migrations)
 * is applied. Liveness (/health) never touches the database.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { rawSql } from "../db/client.js";

/** prisma/migrations beside src/ (and beside dist/ in a build). */
export const migrationsDir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/** Migration names this build expects, read once per directory. */
const expectedByDir = new Map<string, string[]>();
function expectedMigrations(dir: string): string[] {
  let names = expectedByDir.get(dir);
  if (!names) {
    names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expectedByDir.set(dir, names);
  }
  return names;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

const TIMEOUT_MS = 3_000;

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref());
}

/** Whether this instance can serve: never throws; `reason` is safe to show (no database text). */
export async function readiness(dir = migrationsDir): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const rows = await Promise.race([
      rawSql.query<{ migration_name: string }>("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL", []),
      timeout(TIMEOUT_MS),
    ]);
    applied = new Set(rows.map((r) => r.migration_name));
  } catch (err) {
    const e = err as { message?: string; code?: unknown };
    if (e.code === "42P01") return { ready: false, reason: "no migration is applied (run npm run db:migrate)" };
    if (e.message === "timeout") return { ready: false, reason: `the database did not answer within ${TIMEOUT_MS / 1000} s` };
    return { ready: false, reason: `the database does not answer${typeof e.code === "string" ? ` (${e.code})` : ""}` };
  }
  const missing = expectedMigrations(dir).filter((name) => !applied.has(name));
  if (missing.length) return { ready: false, reason: `migrations not applied: ${missing.join(", ")} (run npm run db:migrate)` };
  return { ready: true };
}
