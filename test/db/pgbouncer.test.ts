/**
 * Behind PgBouncer in transaction pooling mode (Debian's pgbouncer, started here on a spare port in front of the
 * test PostgreSQL, 2 server connections for a pool of 10 clients): enforcement works, with `?pgbouncer=true`
 * (unnamed statements from the start) and without it (the first named statement that fails switches the
 * process to unnamed ones). Checks and usage records run concurrently so calls cross server connections.
 * PostgreSQL only: PGlite is embedded, no pooler sits in front of it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openAdapter } from "../../src/db/adapter.js";
import { unique } from "../helpers/app.js";
import { http, startServer, stopServer } from "../helpers/process.js";
import { engine } from "../helpers/setup.js";

async function sparePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

describe.runIf(engine === "postgres")("enforcement through PgBouncer (transaction mode)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gov-pgbouncer-"));
  let bouncer: ChildProcess;
  let base: URL;

  beforeAll(async () => {
    const upstream = new URL(inject("databaseUrl"));
    const port = await sparePort();
    writeFileSync(path.join(dir, "users.txt"), `"${decodeURIComponent(upstream.username) || "postgres"}" ""\n`);
    writeFileSync(
      path.join(dir, "pgbouncer.ini"),
      [
        "[databases]",
        `* = host=${upstream.hostname} port=${upstream.port || 5432}`,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        `listen_port = ${port}`,
        "unix_socket_dir =",
        "auth_type = trust",
        `auth_file = ${path.join(dir, "users.txt")}`,
        "pool_mode = transaction",
        "default_pool_size = 2",
        "max_client_conn = 200",
        "ignore_startup_parameters = extra_float_digits,options",
        "",
      ].join("\n"),
    );
    chmodSync(dir, 0o755);
    // PgBouncer refuses to run as root: as root, run it as the postgres user.
    const asRoot = process.getuid?.() === 0;
    bouncer = spawn(asRoot ? "runuser" : "pgbouncer", asRoot ? ["-u", "postgres", "--", "pgbouncer", path.join(dir, "pgbouncer.ini")] : [path.join(dir, "pgbouncer.ini")], { stdio: "ignore" });
    for (let i = 0; i < 100 && !(await accepts(port)); i++) await new Promise((r) => setTimeout(r, 100));
    base = new URL(upstream);
    base.port = String(port);
  }, 60_000);

  afterAll(() => {
    bouncer?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("named statements break behind it; the adapter detects that and its hot path keeps working", async () => {
    const probe = <T>(query: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: 40 }, (_, i) => query(i)));
    const plain = new pg.Pool({ connectionString: base.toString(), max: 10 });
    const broken = await probe((i) => plain.query({ text: "SELECT $1::int AS i", values: [i], name: "gov_probe_v1" }));
    await plain.end();
    expect(broken.some((r) => r.status === "rejected" && ["42P05", "26000"].includes((r.reason as { code: string }).code))).toBe(true);
    const opened = await openAdapter({ kind: "postgres", url: base.toString() });
    try {
      const results = await probe((i) => opened.raw.query<{ i: number }>("SELECT $1::int AS i", [i], "gov_probe_v2"));
      expect(results.map((r) => (r.status === "fulfilled" ? r.value[0]!.i : String(r.reason)))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await opened.close();
    }
  });

  for (const flag of [true, false]) {
    it(`checks and records concurrently through PgBouncer ${flag ? "with ?pgbouncer=true" : "without the parameter (detected)"}`, async () => {
      const url = new URL(base);
      if (flag) url.searchParams.set("pgbouncer", "true");
      const server = await startServer({ DATABASE_URL: url.toString(), MIGRATE_ON_START: "false" });
      try {
        const customer = await http(server.url, "POST", "/api/governance/customers", { name: unique("bouncer"), budget: { max_limit: 1000, reset_duration: "1d" } });
        expect(customer.status).toBe(200);
        const vk = await http(server.url, "POST", "/api/governance/virtual-keys", {
          name: unique("bouncer-vk"),
          customer_id: customer.body.customer.id,
          provider_configs: [{ provider: "openai", allowed_models: ["gpt-4o-mini"] }],
          rate_limit: { request_max_limit: 1000, request_reset_duration: "1h" },
        });
        expect(vk.status).toBe(200);
        const key = vk.body.virtual_key.value as string;
        const call = (p: string, body: unknown) =>
          fetch(server.url + p, { method: "POST", headers: { "content-type": "application/json", "x-bf-vk": key }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) }));
        const ids = Array.from({ length: 40 }, () => unique("req"));
        const checks = await Promise.all(ids.map((request_id) => call("/api/governance/check", { model: "openai/gpt-4o-mini", request_id, estimated_cost: 0.01 })));
        expect(checks.filter((c) => c.status !== 200).map((c) => c.body)).toEqual([]);
        const usages = await Promise.all(ids.map((request_id) => call("/api/governance/usage", { model: "openai/gpt-4o-mini", request_id, cost: 0.01, tokens: 10 })));
        expect(usages.filter((u) => u.status !== 200).map((u) => u.body)).toEqual([]);
        const again = await Promise.all(ids.slice(0, 10).map((request_id) => call("/api/governance/usage", { model: "openai/gpt-4o-mini", request_id, cost: 0.01, tokens: 10 })));
        expect(again.map((u) => u.body.recorded)).toEqual(Array(10).fill(false)); // idempotent through the pooler too
        const quota = await fetch(`${server.url}/api/governance/virtual-keys/quota`, { headers: { "x-bf-vk": key } }).then((r) => r.json());
        expect(quota.rate_limit?.request_current_usage ?? quota.rate_limits?.[0]?.request_current_usage).toBe(40);
        expect(server.logs.filter((l) => /"level":50/.test(l))).toEqual([]);
      } finally {
        await stopServer(server);
      }
    }, 120_000);
  }
});
