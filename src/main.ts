import { createServer } from "node:http";
import { createServerAdapter } from "@whatwg-node/server";
import { describeDatabase, loadConfig } from "./config.js";
import { closeDatabase, openDatabase } from "./db/client.js";
import { createLogger } from "./logger.js";
import { createApp } from "./server.js";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);

try {
  await openDatabase(config.database);
} catch (err) {
  logger.fatal({ err: (err as Error).message }, "cannot open the database");
  process.exit(1);
}
logger.info({ database: describeDatabase(config.database) }, `database: ${describeDatabase(config.database)}`);

const app = createApp(config, logger);
const server = createServer(createServerAdapter((request: Request) => app.fetch(request)));
server.listen(config.PORT, config.HOST, () => {
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
