/**
 * GET / (index), /health (liveness), /ready (readiness) and /metrics (Prometheus text format, parsed here),
 * in process. Readiness against a dropped database runs on real processes: test/server/ready.test.ts.
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrationsDir, readiness } from "../../src/services/readiness.js";
import { rest, unique } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";
import { engine } from "../helpers/setup.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus' text exposition format (0.0.4): HELP/TYPE comments and `name{labels} value` samples. */
function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

async function scrape() {
  const res = await rest("GET", "/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.body as string);
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe(`operability endpoints (${engine})`, () => {
  it("GET / is a JSON index of the service's endpoints", async () => {
    const res = await rest("GET", "/");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ graphql: "/graphql", rest: "/api/governance", openapi: "/openapi.json", docs: "/docs", metrics: "/metrics", health: "/health", ready: "/ready" });
  });

  it("/health is liveness; /ready is 200 when every migration is applied", async () => {
    expect((await rest("GET", "/health")).body).toEqual({ status: "ok", database: "pglite" });
    const ready = await rest("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ready", database: "pglite" });
    expect(await readiness()).toEqual({ ready: true });
  });

  it("readiness names a migration the database lacks", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gov-migrations-"));
    try {
      for (const d of readdirSync(migrationsDir, { withFileTypes: true })) if (d.isDirectory()) mkdirSync(path.join(dir, d.name));
      mkdirSync(path.join(dir, "29990101000000_not_yet"));
      expect(await readiness(dir)).toEqual({ ready: false, reason: "migrations not applied: 29990101000000_not_yet (run npm run db:migrate)" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("/metrics: HTTP by route pattern, GraphQL operations and errors, enforcement decisions and latency, config cache, pool, process", async () => {
    const before = await scrape();
    const customer = await rest("POST", "/api/governance/customers", { name: unique("metrics") });
    expect(customer.status).toBe(200);
    expect((await rest("GET", `/api/governance/customers/${customer.body.customer.id}`)).status).toBe(200);
    expect((await rest("GET", "/no/such/route/sk-bf-secret")).status).toBe(404);
    expect((await executeRaw("{ customers(first: 1) { totalCount } }")).errors).toBeUndefined();
    expect((await executeRaw("{ nope }")).errors).toBeDefined();
    const key = "sk-bf-00000000-0000-0000-0000-000000000000";
    expect((await rest("POST", "/api/governance/check", { model: "openai/gpt-4o-mini" }, { "x-bf-vk": key })).status).toBe(403);
    expect((await rest("POST", "/api/governance/check", { provider: "openai", model: "gpt-4o-mini" })).status).toBe(200);
    expect((await rest("POST", "/api/governance/check", { provider: "openai", model: "gpt-4o-mini" })).status).toBe(200);
    expect((await rest("POST", "/api/governance/check", {})).status).toBe(400);
    const usage = await rest("POST", "/api/governance/usage", { provider: "openai", model: "gpt-4o-mini", request_id: unique("req"), cost: 0.01, tokens: 3 });
    expect(usage.status).toBe(200);

    const { types, samples } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => value(samples, name, labels) - value(before.samples, name, labels);

    expect(types.get("http_requests_total")).toBe("counter");
    expect(types.get("http_request_duration_seconds")).toBe("histogram");
    expect(delta("http_requests_total", { method: "POST", route: "/api/governance/customers", status: "200" })).toBe(1);
    expect(delta("http_requests_total", { method: "GET", route: "/api/governance/customers/:id", status: "200" })).toBe(1);
    expect(delta("http_requests_total", { route: "unmatched", status: "404" })).toBe(1);
    expect(delta("http_request_duration_seconds_count", { route: "/api/governance/check" })).toBe(4);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes("sk-bf-") || v.includes(customer.body.customer.id)))).toBe(false);

    expect(delta("graphql_envelop_request", { operationType: "query" })).toBeGreaterThanOrEqual(1);
    expect(types.get("graphql_envelop_request_duration")).toBe("histogram");
    expect(delta("graphql_envelop_error_result", { phase: "validate" })).toBeGreaterThanOrEqual(1);

    expect(delta("governance_enforcement_decisions_total", { operation: "check", decision: "virtual_key_not_found" })).toBe(1);
    expect(delta("governance_enforcement_decisions_total", { operation: "check", decision: "allow" })).toBe(2);
    expect(delta("governance_enforcement_decisions_total", { operation: "check", decision: "invalid" })).toBe(1);
    expect(delta("governance_enforcement_decisions_total", { operation: "record", decision: "recorded" })).toBe(1);
    expect(delta("governance_enforcement_duration_seconds_count", { operation: "check" })).toBe(4);
    expect(delta("governance_enforcement_duration_seconds_count", { operation: "record" })).toBe(1);

    expect(delta("governance_config_cache_hits_total", { entry: "route" })).toBeGreaterThanOrEqual(1); // the second identical check
    expect(types.get("governance_config_cache_misses_total")).toBe("counter");
    expect(types.get("governance_config_cache_invalidations_total")).toBe("counter");

    if (engine === "postgres") {
      expect(value(samples, "governance_db_pool_connections", { state: "total" })).toBeGreaterThanOrEqual(1);
      expect(samples.find((s) => s.name === "governance_db_pool_connections" && s.labels.state === "in_use")).toBeDefined();
      expect(samples.find((s) => s.name === "governance_db_pool_waiting")).toBeDefined();
    } else {
      expect(value(samples, "governance_db_pool_connections", { state: "total" })).toBe(1);
    }
    expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
  });
  it("/metrics series stay bounded under junk: 300 distinct paths, ids and methods add at most a few series, never a raw path", async () => {
    const before = await scrape();
    const junk = (i: number) => `junk${i}x${unique("p")}`;
    for (let i = 0; i < 100; i++) {
      expect((await rest("GET", `/api/${junk(i)}/${junk(i)}`)).status).toBe(404);
      expect((await rest("GET", `/api/governance/customers/${junk(i)}`)).status).toBe(404);
      expect((await rest("PATCH", `/api/governance/teams/${junk(i)}?search=${junk(i)}`, {})).status).toBe(405);
    }
    const { samples } = await scrape();
    const series = (all: Sample[]) => new Set(all.filter((s) => s.name.startsWith("http_request")).map((s) => `${s.name}${JSON.stringify(s.labels)}`));
    const added = [...series(samples)].filter((k) => !series(before.samples).has(k));
    // one (method, route, status) combination per kind of junk request: the counter, the histogram's buckets, sum and count
    expect(added.filter((k) => k.startsWith("http_requests_total")).length).toBeLessThanOrEqual(3);
    expect(added.length).toBeLessThanOrEqual(3 * 17);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes("junk")))).toBe(false);
  });
});
