/**
 * Secrets at rest: after creating and after replacing a provider key value, a provider credential and an MCP
 * header value, none of their bytes appear in any table (every column of every table, as text) or in any log
 * line; the re-encryption command re-seals everything under a new key and seals plaintext rows written before
 * encryption; without a key, storing a secret is a 503 naming ENCRYPTION_KEY, and PostgreSQL without the key is
 * refused at startup while encrypted rows exist. On PGlite without a key one is generated in DATA_DIR (0600).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { db } from "../../src/db/client.js";
import { setUpEncryption } from "../../src/encryption-key.js";
import { decrypt, isEncrypted } from "../../src/lib/crypto.js";
import { createLogger } from "../../src/logger.js";
import { createApp } from "../../src/server.js";
import { reencryptAll, setEncryptionKey } from "../../src/services/encryption.js";
import { unique } from "../helpers/app.js";
import { TEST_ENCRYPTION_KEY } from "../helpers/setup.js";

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(String(chunk));
    done();
  },
});
const app = createApp(loadConfig({ ...process.env, LOG_LEVEL: "trace", DATABASE_URL: "" }), createLogger("trace", sink));

async function rest(method: string, p: string, body?: unknown) {
  const res = await app.fetch(new Request(`http://test${p}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { status: res.status, text: await res.text() };
}

/** Table names with the rows (as text) that contain `needle`. */
async function tablesContaining(needle: string): Promise<string[]> {
  const tables = await db.$queryRaw<{ name: string }[]>`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const found: string[] = [];
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${name}" t WHERE t::text LIKE '%' || $1 || '%'`, needle);
    if (row!.n > 0) found.push(name);
  }
  return found;
}

const secret = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

afterAll(() => setEncryptionKey(TEST_ENCRYPTION_KEY));

describe("secrets at rest", () => {
  it("after create and after PUT, the secret bytes are in no table and no log line", async () => {
    const provider = unique("restp").replace(/-/g, "_");
    const [value1, value2, credential1, credential2, header1, header2] = ["pv1", "pv2", "cr1", "cr2", "hd1", "hd2"].map(secret) as [string, string, string, string, string, string];
    expect((await rest("POST", "/api/providers", { provider })).status).toBe(200);
    const created = await rest("POST", `/api/providers/${provider}/keys`, {
      name: "k",
      value: value1,
      azure_key_config: { endpoint: "https://x.example", client_secret: credential1 },
    });
    expect(created.status, created.text).toBe(200);
    const keyId = JSON.parse(created.text).key_id as string;
    const mcp = unique("restm").replace(/-/g, "_");
    expect((await rest("POST", "/api/mcp/client", { name: mcp, connection_type: "http", connection_string: "https://t.example/m", headers: { Authorization: header1 } })).status).toBe(200);
    for (const s of [value1, credential1, header1]) expect(await tablesContaining(s)).toEqual([]);

    const put = await rest("PUT", `/api/providers/${provider}/keys/${keyId}`, { value: value2, azure_key_config: { endpoint: "https://x.example", client_secret: credential2 } });
    expect(put.status, put.text).toBe(200);
    expect((await rest("PUT", `/api/mcp/client/${mcp}`, { headers: { Authorization: header2 } })).status).toBe(200);
    for (const s of [value1, value2, credential1, credential2, header1, header2]) {
      expect(await tablesContaining(s)).toEqual([]);
      expect(lines.join("\n")).not.toContain(s);
    }
    expect(lines.length).toBeGreaterThan(0);
    const row = await db.providerKey.findUniqueOrThrow({ where: { keyId } });
    expect(isEncrypted(row.value)).toBe(true);
    expect(decrypt(row.value, TEST_ENCRYPTION_KEY)).toBe(value2);
  });

  it("env.NAME references stay references", async () => {
    const provider = unique("restp").replace(/-/g, "_");
    await rest("POST", "/api/providers", { provider });
    const created = await rest("POST", `/api/providers/${provider}/keys`, { name: "k", value: "env.OPENAI_API_KEY" });
    expect(created.status).toBe(200);
    expect((await db.providerKey.findUniqueOrThrow({ where: { keyId: JSON.parse(created.text).key_id } })).value).toBe("env.OPENAI_API_KEY");
  });

  it("without a key, storing a secret is a 503 naming ENCRYPTION_KEY (an env reference still works)", async () => {
    const provider = unique("restp").replace(/-/g, "_");
    await rest("POST", "/api/providers", { provider });
    setEncryptionKey(undefined);
    try {
      const refused = await rest("POST", `/api/providers/${provider}/keys`, { name: "k", value: secret("nokey") });
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text).error.message).toContain("ENCRYPTION_KEY");
      expect((await rest("POST", `/api/providers/${provider}/keys`, { name: "k2", value: "env.X_KEY" })).status).toBe(200);
    } finally {
      setEncryptionKey(TEST_ENCRYPTION_KEY);
    }
  });

  it("PostgreSQL without ENCRYPTION_KEY refuses to start while encrypted rows exist", async () => {
    const config = { ...loadConfig({ ...process.env, DATABASE_URL: "postgres://unused@127.0.0.1/unused" }), ENCRYPTION_KEY: undefined };
    expect(await setUpEncryption(config, createLogger("silent"))).toMatch(/ENCRYPTION_KEY is not set\. Fix: set ENCRYPTION_KEY/);
    setEncryptionKey(TEST_ENCRYPTION_KEY);
  });

  it("PGlite without a key generates one in DATA_DIR (mode 0600) once, then reuses it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gov-key-"));
    const config = { ...loadConfig({ ...process.env, DATABASE_URL: "", DATA_DIR: dir }), ENCRYPTION_KEY: undefined };
    const logged: string[] = [];
    const logger = createLogger("info", new Writable({ write: (c, _e, d) => (logged.push(String(c)), d()) }));
    expect(await setUpEncryption(config, logger)).toBeNull();
    const file = path.join(dir, "encryption.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, "utf8");
    expect(await setUpEncryption(config, logger)).toBeNull();
    expect(readFileSync(file, "utf8")).toBe(key);
    expect(logged.filter((l) => l.includes("generated one in"))).toHaveLength(1);
    expect(logged.join("")).not.toContain(key.trim());
    setEncryptionKey(TEST_ENCRYPTION_KEY);
  });

  it("re-encryption re-seals every secret under the new key and seals plaintext written before encryption", async () => {
    const provider = unique("restp").replace(/-/g, "_");
    await rest("POST", "/api/providers", { provider });
    const legacy = secret("legacy");
    const old = await db.providerKey.create({ data: { provider, name: "legacy", value: legacy, models: [], settings: { bedrockKeyConfig: { region: "eu-west-1", secretKey: legacy } } } });
    const sealed = secret("sealed");
    const created = await rest("POST", `/api/providers/${provider}/keys`, { name: "k", value: sealed });
    const keyId = JSON.parse(created.text).key_id as string;
    const next = randomBytes(32);
    const result = await reencryptAll(next, [TEST_ENCRYPTION_KEY]);
    expect(result.sealedPlaintext).toBeGreaterThanOrEqual(2);
    const legacyRow = await db.providerKey.findUniqueOrThrow({ where: { id: old.id } });
    expect(decrypt(legacyRow.value, next)).toBe(legacy);
    expect(decrypt((legacyRow.settings as { bedrockKeyConfig: { secretKey: string } }).bedrockKeyConfig.secretKey, next)).toBe(legacy);
    expect(decrypt((await db.providerKey.findUniqueOrThrow({ where: { keyId } })).value, next)).toBe(sealed);
    expect(await tablesContaining(legacy)).toEqual([]);
    expect(() => decrypt(legacyRow.value, TEST_ENCRYPTION_KEY)).toThrow();
    await reencryptAll(TEST_ENCRYPTION_KEY, [next]); // back to the key the other tests of this database use
  });
});
