/** Per test file: open this project's database (restored PGlite template, or the shared PostgreSQL DB). */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDatabase, openDatabase } from "../../src/db/client.js";
import { setEncryptionKey } from "../../src/services/encryption.js";

/** The key every in-process test seals secrets with (src/main.ts would take ENCRYPTION_KEY). */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7);
setEncryptionKey(TEST_ENCRYPTION_KEY);
// Server processes a test starts share the project's PostgreSQL database, where in-process tests have sealed
// secrets: they get the same key (a test that needs no key or another one passes ENCRYPTION_KEY itself).
process.env.ENCRYPTION_KEY ??= TEST_ENCRYPTION_KEY.toString("base64");

export const engine = process.env.TEST_DB === "postgres" ? "postgres" : "pglite";

beforeAll(async () => {
  if (engine === "postgres") {
    await openDatabase({ kind: "postgres", url: inject("databaseUrl") }, { captureQueries: true, poolSize: 4 });
  } else {
    const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
    await openDatabase({ kind: "pglite", dataDir: "memory://" }, { captureQueries: true, loadDataDir: template });
  }
});

afterAll(async () => {
  await closeDatabase();
});
