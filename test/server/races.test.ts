/**
 * Write races on one row (issue #9): for every entity, 10 simultaneous DELETEs and PUTs of the same row, on
 * keep-alive connections to a real server process, and in process. Every answer is 200, 404 or 409 — never a
 * 500 (Prisma P2025 once leaked) and never a misleading 400 (a PUT that lost its row to a DELETE used to fail on a
 * foreign key while creating a budget). After the dust settles the row is gone (a DELETE won).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { app } from "../helpers/app.js";
import { root, startServer, stopServer, type ServerProcess } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

type Call = (method: string, p: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** One row of an entity and the writes that race on it. */
interface Target {
  name: string;
  create(call: Call, tag: string): Promise<{ del: string; put: string; body: unknown; read: string }>;
}

const budget = { max_limit: 10, reset_duration: "1h" };
const targets: Target[] = [
  {
    name: "customer",
    create: async (call, tag) => {
      const id = (await call("POST", "/api/governance/customers", { name: tag })).body.customer.id;
      const p = `/api/governance/customers/${id}`;
      return { del: p, put: p, body: { budget, rate_limit: { request_max_limit: 5, request_reset_duration: "1m" } }, read: p };
    },
  },
  {
    name: "team",
    create: async (call, tag) => {
      const id = (await call("POST", "/api/governance/teams", { name: tag })).body.team.id;
      const p = `/api/governance/teams/${id}`;
      return { del: p, put: p, body: { budget, name: `${tag}-r` }, read: p };
    },
  },
  {
    name: "virtual key",
    create: async (call, tag) => {
      await call("POST", "/api/providers", { provider: `${tag}p` });
      const id = (await call("POST", "/api/governance/virtual-keys", { name: tag })).body.virtual_key.id;
      const p = `/api/governance/virtual-keys/${id}`;
      return { del: p, put: p, body: { budget, provider_configs: [{ provider: `${tag}p`, budget }] }, read: p };
    },
  },
  {
    name: "model config",
    create: async (call, tag) => {
      const id = (await call("POST", "/api/governance/model-configs", { model_name: tag })).body.model_config.id;
      const p = `/api/governance/model-configs/${id}`;
      return { del: p, put: p, body: { budget }, read: p };
    },
  },
  {
    name: "provider key",
    create: async (call, tag) => {
      await call("POST", "/api/providers", { provider: tag });
      const key = (await call("POST", `/api/providers/${tag}/keys`, { name: "k", value: "env.K" })).body;
      const p = `/api/providers/${tag}/keys/${key.key_id ?? key.id}`;
      return { del: p, put: p, body: { models: ["m"], weight: 2 }, read: p };
    },
  },
  {
    name: "provider (governance PUT racing provider DELETE)",
    create: async (call, tag) => {
      await call("POST", "/api/providers", { provider: tag });
      return { del: `/api/providers/${tag}`, put: `/api/governance/providers/${tag}`, body: { budget }, read: `/api/providers/${tag}` };
    },
  },
  {
    name: "MCP client",
    create: async (call, tag) => {
      const name = tag.replace(/\W/g, "_");
      await call("POST", "/api/mcp/client", { name, connection_type: "http", connection_string: "https://tools.example.com/mcp" });
      const p = `/api/mcp/client/${name}`;
      return { del: p, put: p, body: { tools_to_execute: ["a"] }, read: `PUT ${p}` }; // no single-client GET route
    },
  },
];

let n = 0;
async function race(call: Call, target: Target) {
  const tag = `race${process.pid}x${Date.now().toString(36)}x${n++}`;
  const t = await target.create(call, tag);
  const writes = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? call("DELETE", t.del) : call("PUT", t.put, t.body)));
  const results = await Promise.all(writes);
  const statuses = results.map((r) => r.status);
  for (const r of results) {
    if (![200, 404, 409].includes(r.status)) throw new Error(`${target.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    if (r.status !== 200) expect(r.body).toMatchObject({ is_bifrost_error: false, status_code: r.status });
  }
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
  const [readMethod, readPath] = t.read.startsWith("PUT ") ? ["PUT", t.read.slice(4)] : ["GET", t.read];
  expect((await call(readMethod, readPath, readMethod === "PUT" ? t.body : undefined)).status).toBe(404); // a DELETE won, whatever the order
  return statuses;
}

describe(`write races on one row, in process (${engine})`, () => {
  const call: Call = async (method, p, body) => {
    const res = await app.fetch(new Request(`http://test${p}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
    return { status: res.status, body: await res.json() };
  };
  it.each(targets.map((t) => [t.name, t] as const))("%s: only 200/404/409", async (_name, target) => {
    for (let round = 0; round < 3; round++) await race(call, target);
  });
});

describe(`write races on one row, real server on keep-alive connections (${engine})`, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-races-"));
  const agent = new Agent({ keepAlive: true, maxSockets: 10, timeout: 2_000 }); // idle sockets closed before the server does
  let server: ServerProcess;
  const call: Call = (method, p, body) =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(`${server.url}${p}`, { method, agent, headers: { "content-type": "application/json", ...(text ? { "content-length": Buffer.byteLength(text) } : {}) } }, (res) => {
        let data = "";
        res.on("data", (c: Buffer) => (data += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(data) }));
      });
      req.on("error", reject);
      req.end(text);
    });

  beforeAll(async () => {
    const env: Record<string, string> = engine === "pglite" ? { DATA_DIR: dir, DATABASE_URL: "" } : { DATABASE_URL: inject("databaseUrl") };
    if (engine === "pglite") execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma/prisma.config.ts"], { cwd: root, env: { ...process.env, ...env }, stdio: "ignore" });
    server = await startServer(env);
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(targets.map((t) => [t.name, t] as const))("%s: only 200/404/409", async (_name, target) => {
    for (let round = 0; round < 3; round++) await race(call, target);
    expect(server.logs.filter((l) => /"level":50/.test(l))).toEqual([]); // no server fault logged
  });
});
