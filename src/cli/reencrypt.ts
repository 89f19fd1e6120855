/**
 * `npm run reencrypt`: re-seals every stored secret under ENCRYPTION_KEY (the new key). Secrets sealed under an
 * older key are opened with OLD_ENCRYPTION_KEY (or, on PGlite, the key file in DATA_DIR); plaintext secrets
 * written before encryption are sealed too. Stop the server first (PGlite allows one process; PostgreSQL would
 * keep sealing with the old key). On PGlite the key file is then replaced by the new key.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeDatabase } from "../config.js";
import { parseKey } from "../lib/crypto.js";
import { loadConfigOrExit, fail } from "../startup.js";

const config = loadConfigOrExit();
if (!config.ENCRYPTION_KEY) fail(["npm run reencrypt needs ENCRYPTION_KEY (the new key). Fix: ENCRYPTION_KEY=$(openssl rand -base64 32) OLD_ENCRYPTION_KEY=<old key> npm run reencrypt"]);
const next = parseKey(config.ENCRYPTION_KEY);
const previous: Buffer[] = [];
const oldKey = process.env.OLD_ENCRYPTION_KEY;
if (oldKey) previous.push(parseKey(oldKey));
const keyFile = config.database.kind === "pglite" && !config.DATA_DIR.startsWith("memory://") ? path.resolve(config.DATA_DIR, "encryption.key") : null;
if (keyFile && existsSync(keyFile)) previous.push(parseKey(readFileSync(keyFile, "utf8")));

const { closeDatabase, openDatabase } = await import("../db/client.js");
const { reencryptAll } = await import("../services/encryption.js");
await openDatabase(config.database);
try {
  const r = await reencryptAll(next, previous);
  if (keyFile) writeFileSync(keyFile, `${next.toString("base64")}\n`, { mode: 0o600 });
  console.log(
    `re-encrypted ${describeDatabase(config.database)}: ${r.providerKeys} provider keys, ${r.mcpClients} MCP clients (${r.sealedPlaintext} plaintext secrets sealed). Start the server with this ENCRYPTION_KEY from now on.`,
  );
} catch (err) {
  await closeDatabase();
  fail([`Re-encryption failed, nothing was changed: ${(err as Error).message}.`]);
}
await closeDatabase();
