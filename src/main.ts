import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { describeDatabase } from "./config.js";
import { closeDatabase, openDatabase, rawSql } from "./db/client.js";
import { createLogger } from "./logger.js";
import { createApp } from "./server.js";
import { databaseProblem, fail, listenProblem, loadConfigOrExit } from "./startup.js";

const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);

try {
  await openDatabase(config.database);
  await rawSql.query("SELECT 1", []); // PostgreSQL connects lazily: fail now, not on the first request
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
