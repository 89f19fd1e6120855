/**
 * Secrets at rest: AES-256-GCM (node:crypto) with a random 96-bit IV per value. Stored form:
 * `enc:v1:` + base64(iv ‖ tag ‖ ciphertext). A value without the prefix is plaintext (written before encryption,
 * or an `env.NAME` reference, which is never encrypted).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export const ENCRYPTED_PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const isEncrypted = (stored: string) => stored.startsWith(ENCRYPTED_PREFIX);

/** A 32-byte key from its base64 text; throws with a message naming ENCRYPTION_KEY (never the value). */
export function parseKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes in base64 (e.g. the output of: openssl rand -base64 32)");
  return key;
}

export const newKey = () => randomBytes(32);

export function encrypt(plain: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ENCRYPTED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** Decrypts a stored value; throws when the key is wrong or the value was altered (GCM authentication). */
export function decrypt(stored: string, key: Buffer): string {
  const raw = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}
