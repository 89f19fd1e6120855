/**
 * The key that seals secrets, chosen once at startup: ENCRYPTION_KEY; else on PGlite a key generated in DATA_DIR
 * (file `encryption.key`, mode 0600, logged once when created); else (PostgreSQL) none — refused if encrypted
 * secrets already exist (they could not be re-encrypted or rotated), otherwise storing a secret answers 503.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config.js";
import { newKey, parseKey } from "./lib/crypto.js";
import type { Logger } from "./logger.js";
import { hasEncryptedSecrets, setEncryptionKey } from "./services/encryption.js";

/** Returns a fatal problem (one line with the fix), or null once the key is set. */
export async function setUpEncryption(config: Config, logger: Logger): Promise<string | null> {
  if (config.ENCRYPTION_KEY) {
    setEncryptionKey(parseKey(config.ENCRYPTION_KEY));
    return null;
  }
  if (config.database.kind === "pglite") {
    if (config.DATA_DIR.startsWith("memory://")) {
      setEncryptionKey(newKey());
      logger.warn("no ENCRYPTION_KEY: secrets in this in-memory database are sealed with a key generated for this process only");
      return null;
    }
    const file = path.resolve(config.DATA_DIR, "encryption.key");
    try {
      setEncryptionKey(parseKey(readFileSync(file, "utf8")));
      return null;
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ENOENT") return `Cannot read the encryption key ${file}: ${(err as Error).message}. Fix: restore the file, or set ENCRYPTION_KEY.`;
    }
    const key = newKey();
    writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    setEncryptionKey(key);
    logger.warn({ file }, `no ENCRYPTION_KEY: generated one in ${file} (mode 0600); back it up with the data, or set ENCRYPTION_KEY to use your own`);
    return null;
  }
  if (await hasEncryptedSecrets()) {
    return "Encrypted secrets exist in the database but ENCRYPTION_KEY is not set. Fix: set ENCRYPTION_KEY to the key they were written with.";
  }
  logger.warn("no ENCRYPTION_KEY: storing a provider key value, credential or MCP header value will be refused (503) until it is set (env.NAME references still work)");
  return null;
}
