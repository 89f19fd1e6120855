/**
 * The server process (`npm start` = `node dist/main.js`; `npm run dev` runs src/ in watch mode): checks the
 * environment and the database, applies pending migrations (a child process, src/migrate.ts), opens the
 * database, listens. SIGTERM/SIGINT at any point stop it cleanly: during migrations the signal is passed to the
 * migrate CLI; while serving, open requests finish (5 s at most) and the database is closed.
 */
import type { Server } from "node:http";
import { describeDatabase } from "./config.js";
import { createLogger } from "./logger.js";
import { logMigrationOutput, migrate, MigrationError } from "./migrate.js";
import { preflight } from "./preflight.js";
import { databaseProblem, fail, listenProblem, loadConfigOrExit } from "./startup.js";

// The environment is checked before the heavy modules (Prisma, the GraphQL schema) load: a bad value fails fast.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);

let stop: (signal: string) => Promise<void> = async (signal) => {
  logger.info({ signal }, "stopped before listening");
  process.exit(0);
};
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stop(signal);
  });
}

await preflight(config.database);
if (config.MIGRATE_ON_START) {
  const run = migrate();
  stop = async (signal) => {
    logger.info({ signal }, "stopping: interrupting migrations");
    run.child.kill(signal as NodeJS.Signals);
    await run.done.catch(() => {});
    logger.info("stopped");
    process.exit(0);
  };
  try {
    const applied = await run.done;
    logger.info({ applied }, applied.length ? `migrations applied: ${applied.join(", ")}` : "migrations: up to date");
  } catch (err) {
    if (stopping) await new Promise(() => {}); // the signal handler exits
    const e = err instanceof MigrationError ? err : new MigrationError(null, [String(err)]);
    logMigrationOutput(logger, e);
    fail([`Applying the database migrations failed (prisma migrate deploy exited with ${e.code}). Fix: correct what the migrate lines above name, then start again (or run npm run db:migrate to see its full output).`]);
  }
}

const database = await import("./db/client.js"); // a namespace: `rawSql` is a live binding, set by openDatabase()
const { closeDatabase, openDatabase } = database;
const { createApp } = await import("./server.js");
const { configureConfigCache } = await import("./services/enforcement-config.js");
configureConfigCache({ size: config.CONFIG_CACHE_SIZE, negativeTtlMs: config.CONFIG_CACHE_NEGATIVE_TTL_MS });
const { configureEstimates } = await import("./services/estimates.js");
configureEstimates({
  samples: config.ESTIMATE_SAMPLES,
  percentile: config.ESTIMATE_PERCENTILE,
  floorCost: config.ESTIMATE_FLOOR_USD,
  floorTokens: config.ESTIMATE_FLOOR_TOKENS,
});
const { createAdaptorServer } = await import("@hono/node-server");

try {
  await openDatabase(config.database);
  await database.rawSql.query("SELECT 1", []); // PostgreSQL connects lazily: fail now, not on the first request
} catch (err) {
  await closeDatabase().catch(() => {});
  fail([databaseProblem(err, config.database)]);
}

const { setUpEncryption } = await import("./encryption-key.js");
const encryptionProblem = await setUpEncryption(config, logger).catch((err: unknown) => {
  logger.error({ err }, "could not check the stored secrets for encryption");
  return null;
});
if (encryptionProblem) {
  await closeDatabase().catch(() => {});
  fail([encryptionProblem]);
}

const { envCredentialsConfigured } = await import("./services/principals.js");
const { hasActiveManagementKeys } = await import("./services/management-keys.js");
const { purgeAuditEvents } = await import("./services/audit.js");

/** After listening (never fatal): the loopback-only notice, and the audit retention purge now and every 6 hours. */
async function afterListening(): Promise<void> {
  try {
    if (!envCredentialsConfigured(config) && !(await hasActiveManagementKeys(new Date()))) {
      logger.warn("no credentials configured: the management and enforcement APIs answer only loopback clients (set ADMIN_TOKEN, or ADMIN_USERNAME and ADMIN_PASSWORD, to open them to the network)");
    }
    logger.flush(); // the startup lines now, not with the next batch (src/logger.ts)
  } catch (err) {
    if (!stopping) logger.error({ err }, "could not read the management keys");
  }
  const purge = () =>
    purgeAuditEvents(config.AUDIT_RETENTION_DAYS).then(
      (count) => void (count > 0 && logger.info({ count, days: config.AUDIT_RETENTION_DAYS }, "audit events past retention deleted")),
      (err: unknown) => void (stopping || logger.error({ err }, "audit retention purge failed")), // a stop closes the database under it
    );
  await purge();
  setInterval(() => void purge(), 6 * 3600_000).unref();
}

const app = createApp(config, logger);
const server = createAdaptorServer({ fetch: (request: Request, env: unknown) => app.fetch(request, env) }) as Server;
const onListenError = (err: Error) => void closeDatabase().finally(() => fail([listenProblem(err, config)]));
server.once("error", onListenError);
stop = async (signal) => {
  logger.info({ signal }, "shutting down");
  server.close();
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 5_000);
  force.unref();
  await new Promise<void>((resolve) => (server.listening ? server.once("close", () => resolve()) : resolve()));
  await closeDatabase();
  logger.info("stopped");
  process.exit(0);
};
if (stopping) await stop("SIGTERM"); // a signal arrived while the database was opening
server.listen(config.PORT, config.HOST, () => {
  server.off("error", onListenError);
  server.on("error", (err) => logger.error({ err }, "server error"));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const base = `http://${config.HOST}:${port}`;
  logger.info(
    { host: config.HOST, port, database: describeDatabase(config.database) },
    `listening on ${base} with ${describeDatabase(config.database)}: GraphQL and GraphiQL at /graphql, REST at /api/governance (reference at /docs, /openapi.json), health at /health and /ready, metrics at /metrics`,
  );
  logger.flush();
  void afterListening();
});
