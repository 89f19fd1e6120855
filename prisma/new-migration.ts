/**
 * Creates a migration from the difference between prisma/migrations and prisma/schema.prisma,
 * fully offline: the migration history is replayed into an in-memory PGlite shadow database.
 * Usage: npm run db:new-migration -- <name>        (prints "no changes" and exits 0 if none)
 * Touches no data directory and needs no server. Review the SQL, then commit it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name>   (lower-case letters, digits and _)");
  process.exit(64);
}
const root = path.resolve("prisma");
const migrations = path.join(root, "migrations");
mkdirSync(migrations, { recursive: true });
const hasHistory = readdirSync(migrations).some((d) => /^\d{14}_/.test(d));
const from = hasHistory ? ["--from-migrations", migrations] : ["--from-empty"];
const result = spawnSync(
  "npx",
  ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", path.join(root, "schema.prisma"), "--script", "--exit-code", "--config", path.join(root, "prisma.config.ts")],
  { encoding: "utf8", env: { ...process.env, DATABASE_URL: "", DATA_DIR: "memory://" }, stdio: ["ignore", "pipe", "inherit"] },
);
if (result.status === 0) {
  console.log("no changes: schema.prisma matches prisma/migrations");
  process.exit(0);
}
if (result.status !== 2) {
  console.error(`prisma migrate diff failed (exit ${result.status})`);
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrations, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), result.stdout);
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
