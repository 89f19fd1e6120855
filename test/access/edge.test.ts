/**
 * Authentication at the HTTP edge. A real server process on 0.0.0.0 with a database of its own (a fresh PGlite
 * DATA_DIR, or a fresh PostgreSQL database): with no credential configured it answers loopback clients and
 * refuses the same request arriving on the machine's non-loopback address (192.0.2.2 on eth0) or through a
 * proxy, and says so in one startup line. In process: the bootstrap credentials (ADMIN_TOKEN, HTTP Basic,
 * GATEWAY_TOKEN), a virtual key is not a management credential, repeated failures from one address are 429 with
 * Retry-After, /health stays open.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createApp } from "../../src/server.js";
import { resetAuthFailures } from "../../src/services/principals.js";
import { startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

const NON_LOOPBACK = process.env.TEST_NON_LOOPBACK_ADDRESS ?? "192.0.2.2";
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `gov_edge_${process.pid}`;

describe("no credential configured: loopback only (real server on 0.0.0.0)", () => {
  let server: ServerProcess;
  let port: string;

  beforeAll(async () => {
    const env: Record<string, string> = { HOST: "0.0.0.0" }; // and no ADMIN_TOKEN, Basic or GATEWAY_TOKEN in the environment
    if (engine === "postgres") {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      Object.assign(env, { DATABASE_URL: url.toString(), ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") });
    } else {
      Object.assign(env, { DATABASE_URL: "", DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "gov-edge-")) });
    }
    server = await startServer(env);
    port = new URL(server.url).port;
  }, 120_000);

  afterAll(async () => {
    if (server) await stopServer(server);
    if (engine === "postgres") {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });

  const get = async (host: string, p: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://${host}:${port}${p}`, { headers });
    return { status: res.status, body: (await res.json()) };
  };

  it("answers a loopback client", async () => {
    expect((await get("127.0.0.1", "/api/governance/customers")).status).toBe(200);
  });

  it("refuses the same request from a non-loopback address with 403 naming ADMIN_TOKEN; /health stays open", async () => {
    const res = await get(NON_LOOPBACK, "/api/governance/customers");
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ is_bifrost_error: false, status_code: 403 });
    expect(res.body.error.message).toContain("only loopback clients");
    expect(res.body.error.message).toContain("ADMIN_TOKEN");
    const check = await fetch(`http://${NON_LOOPBACK}:${port}/api/governance/check`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(check.status).toBe(403);
    expect((await get(NON_LOOPBACK, "/health")).status).toBe(200);
    const gql = await fetch(`http://${NON_LOOPBACK}:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ providers { name } }" }) });
    expect(((await gql.json())).errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("a loopback request that came through a proxy (X-Forwarded-For, Forwarded) is not trusted", async () => {
    expect((await get("127.0.0.1", "/api/governance/customers", { "x-forwarded-for": "203.0.113.5" })).status).toBe(403);
    expect((await get("127.0.0.1", "/api/governance/customers", { forwarded: "for=203.0.113.5" })).status).toBe(403);
  });

  it("says so in one startup line", async () => {
    // Written after listening (it reads the database) through the batched stdout (src/logger.ts): wait for it.
    await vi.waitFor(() => expect(server.logs.filter((l) => l.includes("answer only loopback clients"))).toHaveLength(1), { timeout: 10_000, interval: 50 });
  });
});

describe("bootstrap credentials (in process)", () => {
  const config = loadConfig({ ...process.env, LOG_LEVEL: "silent", DATABASE_URL: "", ADMIN_TOKEN: "admin-secret", GATEWAY_TOKEN: "gateway-secret", ADMIN_USERNAME: "root", ADMIN_PASSWORD: "pw" });
  const app = createApp(config, createLogger("silent"));
  const call = async (p: string, headers: Record<string, string>, address = "198.18.0.1", method = "GET", body?: unknown) => {
    const res = await app.fetch(new Request(`http://test${p}`, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }), {
      incoming: { socket: { remoteAddress: address } },
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) };
  };
  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}` });

  it("ADMIN_TOKEN and HTTP Basic act as admin; GATEWAY_TOKEN only for enforcement; nothing works without", async () => {
    expect((await call("/api/governance/customers", { authorization: "Bearer admin-secret" })).status).toBe(200);
    expect((await call("/api/governance/customers", basic("root", "pw"))).status).toBe(200);
    expect((await call("/api/governance/customers", { authorization: "Bearer gateway-secret" })).status).toBe(403);
    expect((await call("/api/governance/check", { authorization: "Bearer gateway-secret" }, undefined, "POST", { provider: "openai", model: "m" })).status).not.toBe(403);
    const none = await call("/api/governance/customers", {}, "127.0.0.1");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Basic");
    expect(none.body).toMatchObject({ is_bifrost_error: false, status_code: 401, error: { message: expect.stringContaining("Authentication required") } });
  });

  it("a virtual key in Authorization is not a management credential", async () => {
    expect((await call("/api/governance/customers", { authorization: "Bearer sk-bf-00000000-0000-4000-8000-000000000000" })).status).toBe(401);
  });

  it("repeated failures from one address are 429 with Retry-After; another address is unaffected", async () => {
    resetAuthFailures();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call("/api/governance/customers", basic("root", `wrong-${i}`), "198.18.0.99")).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const limited = await call("/api/governance/customers", { authorization: "Bearer admin-secret" }, "198.18.0.99");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call("/api/governance/customers", { authorization: "Bearer admin-secret" }, "198.18.0.100")).status).toBe(200);
    resetAuthFailures();
  });
});
