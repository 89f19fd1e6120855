/**
 * Which key seals new secrets (provider key values and credentials, MCP header values). Set once at startup
 * (src/main.ts: ENCRYPTION_KEY, or on PGlite a key generated in DATA_DIR); without one, storing a secret is a
 * 503 naming ENCRYPTION_KEY. `env.NAME` references are stored as they are. Reads never decrypt: secrets are never
 * returned; only the re-encryption command (src/cli/reencrypt.ts) decrypts.
 */
import { db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { decrypt, ENCRYPTED_PREFIX, encrypt, isEncrypted } from "../lib/crypto.js";
import { UnavailableError } from "./errors.js";

let current: Buffer | undefined;

export function setEncryptionKey(key: Buffer | undefined): void {
  current = key;
}

export const NO_KEY_MESSAGE =
  "Cannot store a secret: no encryption key is configured. Fix: set ENCRYPTION_KEY (32 bytes, base64: openssl rand -base64 32) and restart, or use an env.NAME reference";

/** The stored form of a secret given by a client: sealed, or the env reference itself. */
export function sealSecret(value: string): string;
export function sealSecret(value: string | undefined): string | undefined;
export function sealSecret(value: string | undefined): string | undefined {
  if (value === undefined || value.startsWith("env.")) return value;
  if (!current) throw new UnavailableError(NO_KEY_MESSAGE);
  return encrypt(value, current);
}

/** True when some stored secret is encrypted (PostgreSQL without ENCRYPTION_KEY must not start then). */
export async function hasEncryptedSecrets(): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM "ProviderKey" WHERE value LIKE ${ENCRYPTED_PREFIX + "%"} OR settings::text LIKE ${"%" + ENCRYPTED_PREFIX + "%"}
    UNION ALL SELECT 1 FROM "McpClient" WHERE headers::text LIKE ${"%" + ENCRYPTED_PREFIX + "%"}
    LIMIT 1`;
  return rows.length > 0;
}

export interface ReencryptResult {
  providerKeys: number;
  mcpClients: number;
  /** Secrets that were still plaintext (written before encryption) and are now sealed. */
  sealedPlaintext: number;
}

/**
 * Re-seals every stored secret under `next`: values sealed under one of `previous` (or already under `next`)
 * are decrypted and sealed again; plaintext values (written before encryption existed) are sealed; env
 * references stay. One transaction: a value no given key opens aborts everything, naming the row.
 */
export async function reencryptAll(next: Buffer, previous: Buffer[]): Promise<ReencryptResult> {
  const result: ReencryptResult = { providerKeys: 0, mcpClients: 0, sealedPlaintext: 0 };
  const reseal = (stored: unknown, where: string): unknown => {
    if (typeof stored !== "string" || stored.startsWith("env.")) return stored;
    if (!isEncrypted(stored)) {
      result.sealedPlaintext++;
      return encrypt(stored, next);
    }
    for (const key of [next, ...previous]) {
      try {
        return encrypt(decrypt(stored, key), next);
      } catch {
        /* try the next key */
      }
    }
    throw new Error(`${where}: no given key decrypts it (set OLD_ENCRYPTION_KEY to the key it was written with)`);
  };
  await db.$transaction(
    async (tx) => {
      for (const k of await tx.providerKey.findMany({ select: { id: true, value: true, settings: true } })) {
        const settings = k.settings as Record<string, Record<string, unknown>> | null;
        const nextSettings = settings
          ? Object.fromEntries(
              Object.entries(settings).map(([kind, cfg]) => [
                kind,
                Object.fromEntries(Object.entries(cfg).map(([f, v]) => [f, SECRET_SETTING_FIELDS.has(f) ? reseal(v, `provider key ${k.id} ${kind}.${f}`) : v])),
              ]),
            )
          : undefined;
        await tx.providerKey.update({
          where: { id: k.id },
          data: { value: reseal(k.value, `provider key ${k.id}`) as string, ...(nextSettings ? { settings: nextSettings as Prisma.InputJsonObject } : {}) },
        });
        result.providerKeys++;
      }
      for (const c of await tx.mcpClient.findMany({ where: { NOT: { headers: { equals: Prisma.DbNull } } }, select: { id: true, headers: true } })) {
        const headers = Object.fromEntries(Object.entries((c.headers ?? {}) as Record<string, unknown>).map(([h, v]) => [h, reseal(v, `MCP client ${c.id} header ${h}`)]));
        await tx.mcpClient.update({ where: { id: c.id }, data: { headers: headers as Prisma.InputJsonObject } });
        result.mcpClients++;
      }
    },
    { timeout: 600_000 },
  );
  return result;
}

/** Credential fields inside ProviderKey.settings (services/provider-keys.ts SECRET_FIELDS, all kinds). */
const SECRET_SETTING_FIELDS = new Set(["clientId", "clientSecret", "tenantId", "authCredentials", "accessKey", "secretKey", "sessionToken"]);
