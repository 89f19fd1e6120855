import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseTarget } from "../src/config.js";
import { cliPgAdapter, cliPgliteAdapter } from "./cli-workarounds.js";

// Decide the engine BEFORE the fallback below: DATABASE_URL set → PostgreSQL, else PGlite in $DATA_DIR/pglite.
const target = databaseTarget(process.env);
// schema.prisma says env("DATABASE_URL"); it must resolve or the 6.x CLI tries to download engines (pitfall #1).
// The CLI prints this database name: it says which engine the driver adapter below actually opens.
if (!process.env.DATABASE_URL) process.env.DATABASE_URL = "postgresql://pglite@localhost/embedded-pglite";

const here = path.resolve("prisma");

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join(here, "schema.prisma"),
  migrations: { path: path.join(here, "migrations") },
  engine: "js",
  async adapter() {
    return target.kind === "postgres" ? cliPgAdapter(target.url) : cliPgliteAdapter(target.dataDir);
  },
});
