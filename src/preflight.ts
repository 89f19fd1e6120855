/**
 * `npm start` runs this before migrating: a bad environment variable or an unreachable database stops the start
 * with one clear line each (src/startup.ts), before the migrate CLI runs. Opens nothing it keeps.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import pg from "pg";
import { databaseProblem, fail, loadConfigOrExit } from "./startup.js";

const config = loadConfigOrExit();
const target = config.database;
try {
  if (target.kind === "postgres") {
    const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
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
