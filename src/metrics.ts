/**
 * Prometheus metrics (prom-client), one registry per process, served at /metrics (src/rest/app.ts). GraphQL's
 * own metrics come from yoga's prometheus plugin on the same registry (src/graphql/yoga.ts). Labels are bounded:
 * route patterns (never raw paths), decision types, operation types; never ids, names or key values.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { poolStats } from "./db/client.js";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const httpRequests = new Counter({
  name: "http_requests_total",
  help: "HTTP requests by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});
const httpDuration = new Histogram({
  name: "http_request_duration_seconds",
  help: "HTTP request latency by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  buckets,
  registers: [registry],
});

const methods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The counter and histogram children of one label set (prom-client hashes a labels object on every call). */
const httpSeries = new Map<string, { count: { inc(): void }; duration: { observe(value: number): void } }>();

/** One answered request. `route` is the matched pattern, or null (then "unmatched": raw paths never become labels). */
export function observeHttp(method: string, route: string | null, status: number, seconds: number): void {
  const key = `${method} ${status} ${route}`;
  let series = httpSeries.get(key);
  if (!series) {
    const labels = { method: methods.has(method) ? method : "other", route: route ?? "unmatched", status: String(status) };
    series = { count: httpRequests.labels(labels), duration: httpDuration.labels(labels) };
    if (httpSeries.size < 10_000) httpSeries.set(key, series); // bounded like the labels (patterns, statuses)
  }
  series.count.inc();
  series.duration.observe(seconds);
}

export type EnforcementOperation = "check" | "record";

const decisions = new Counter({
  name: "governance_enforcement_decisions_total",
  help: "Enforcement outcomes: check → allow or the denial type; record → recorded, duplicate or the denial type; invalid (400), error (other failures)",
  labelNames: ["operation", "decision"] as const,
  registers: [registry],
});
const enforcementDuration = new Histogram({
  name: "governance_enforcement_duration_seconds",
  help: "Latency of enforcement checks and usage records (service call, both APIs)",
  labelNames: ["operation"] as const,
  buckets,
  registers: [registry],
});

/** What an enforcement failure counts as: the denial type (`decision`), `invalid` for bad input, else `error`. */
function failureDecision(err: unknown): string {
  const e = err as { decision?: unknown; code?: unknown };
  if (typeof e?.decision === "string") return e.decision;
  if (e?.code === "REQUEST_ID_CONFLICT") return "request_id_conflict";
  return e?.code === "VALIDATION" ? "invalid" : "error";
}

/** Times one check or record and counts its decision (`decide` names a success; failures by failureDecision()). */
export async function measureEnforcement<T>(operation: EnforcementOperation, run: () => Promise<T>, decide: (result: T) => string): Promise<T> {
  const end = enforcementDuration.startTimer({ operation });
  try {
    const result = await run();
    decisions.inc({ operation, decision: decide(result) });
    return result;
  } catch (err) {
    decisions.inc({ operation, decision: failureDecision(err) });
    throw err;
  } finally {
    end();
  }
}

export const checkDecision = () => "allow";
export const usageDecision = (r: { recorded: boolean }) => (r.recorded ? "recorded" : "duplicate");

const cacheHits = new Counter({ name: "governance_config_cache_hits_total", help: "Enforcement configuration cache hits", labelNames: ["entry"] as const, registers: [registry] });
const cacheMisses = new Counter({ name: "governance_config_cache_misses_total", help: "Enforcement configuration cache misses (loads from the database)", labelNames: ["entry"] as const, registers: [registry] });
const cacheInvalidations = new Counter({ name: "governance_config_cache_invalidations_total", help: "Enforcement configuration cache entries forgotten (a change of their scopes was seen)", registers: [registry] });

/** Hooks for the configuration cache (src/services/enforcement-config.ts). `entry`: key or route. */
export const configCacheMetrics = {
  lookup: (entry: "key" | "route", hit: boolean) => (hit ? cacheHits : cacheMisses).inc({ entry }),
  invalidation: () => cacheInvalidations.inc(),
};

new Gauge({
  name: "governance_db_pool_connections",
  help: "Database connections by state (PostgreSQL: the pg pool's in_use and idle; PGlite: one embedded connection, total)",
  labelNames: ["state"] as const,
  registers: [registry],
  collect() {
    this.reset();
    const stats = poolStats();
    if (!stats) return;
    this.set({ state: "total" }, stats.total);
    if (stats.idle !== undefined) {
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "in_use" }, stats.total - stats.idle);
    }
  },
});
new Gauge({
  name: "governance_db_pool_waiting",
  help: "Queries waiting for a free pooled connection (PostgreSQL only)",
  registers: [registry],
  collect() {
    this.reset();
    const waiting = poolStats()?.waiting;
    if (waiting !== undefined) this.set(waiting);
  },
});
