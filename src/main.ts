import type { Server } from "node:http";
import { describeDatabase } from "./config.js";
import { createLogger } from "./logger.js";
import { databaseProblem, fail, listenProblem, loadConfigOrExit } from "./startup.js";

// The environment is checked before the heavy modules (Prisma, the GraphQL schema) load: a bad value fails fast.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const database = await import("./db/client.js"); // a namespace: `rawSql` is a live binding, set by openDatabase()
const { closeDatabase, openDatabase } = database;
const { createApp } = await import("./server.js");
const { createAdaptorServer } = await import("@hono/node-server");

try {
  await openDatabase(config.database);
  await database.rawSql.query("SELECT 1", []); // PostgreSQL connects lazily: fail now, not on the first request
} catch (err) {
  await closeDatabase().catch(() => {});
  fail([databaseProblem(err, config.database)]);
}
logger.info({ database: describeDatabase(config.database) }, `database: ${describeDatabase(config.database)}`);

const app = createApp(config, logger);
const server = createAdaptorServer({ fetch: (request: Request) => app.fetch(request) }) as Server;
const onListenError = (err: Error) => void closeDatabase().finally(() => fail([listenProblem(err, config)]));
server.once("error", onListenError);
server.listen(config.PORT, config.HOST, () => {
  server.off("error", onListenError);
  server.on("error", (err) => logger.error({ err }, "server error"));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  logger.info({ host: config.HOST, port }, `listening on http://${config.HOST}:${port} (GraphQL at /graphql, REST at /api/governance)`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  server.close();
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 5_000);
  force.unref();
  await new Promise<void>((resolve) => server.once("close", () => resolve()));
  await closeDatabase();
  logger.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
