/**
 * Before migrating (src/main.ts): an unreachable database or an unusable data directory stops the start with
 * one clear line (src/startup.ts), before the migrate CLI runs. Opens nothing it keeps.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import pg from "pg";
import type { DatabaseTarget } from "./config.js";
import { poolerOption } from "./db/adapter.js";
import { databaseProblem, fail } from "./startup.js";

export async function preflight(target: DatabaseTarget): Promise<void> {
  try {
    if (target.kind === "postgres") {
      const client = new pg.Client({ connectionString: poolerOption(target.url).url, connectionTimeoutMillis: 10_000 });
      client.on("error", () => {});
      try {
        await client.connect();
        await client.query("SELECT 1");
      } finally {
        await client.end().catch(() => {});
      }
    } else if (!target.dataDir.startsWith("memory://")) {
      mkdirSync(target.dataDir, { recursive: true });
      accessSync(target.dataDir, constants.W_OK);
    }
  } catch (err) {
    fail([databaseProblem(err, target)]);
  }
}
