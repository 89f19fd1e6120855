/**
 * GraphQL metrics (documented in the README): yoga's prometheus plugin on the process registry (served by the edge
 * at /metrics) — operations by type, their latency, errors by phase. Operation names are not labels (callers
 * choose them: unbounded). The plugin's other defaults stay off: HTTP latency is the edge's own
 * http_request_duration_seconds, and the deprecated-field, parse, context and summary metrics cost a visit or a
 * t-digest per request for numbers nobody asked for.
 * `graphqlPhases` records the fast lane's answers (fast-lane.ts) in the same metrics, as the plugin would.
 */
import { usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Plugin } from "graphql-yoga";
import type { Counter, Histogram } from "prom-client";
import { registry } from "../metrics.js";

export const prometheusPlugin = (): Plugin =>
  usePrometheus({
    registry,
    endpoint: false,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
      graphql_yoga_http_duration: false,
    },
    labels: { operationName: false, fieldName: false, typeName: false, path: false, url: false },
  });

const metric = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;

export const graphqlPhases = {
  /** One operation answered without yoga: times in ms (the plugin's request duration is its execute phase). */
  observe(operationType: string, ms: { validate: number; execute: number }): void {
    const labels = { operationType };
    metric<Counter<string>>("graphql_envelop_request")?.inc(labels);
    metric<Histogram<string>>("graphql_envelop_phase_validate")?.observe(labels, ms.validate / 1000);
    metric<Histogram<string>>("graphql_envelop_phase_execute")?.observe(labels, ms.execute / 1000);
    metric<Histogram<string>>("graphql_envelop_request_duration")?.observe(labels, ms.execute / 1000);
  },
};
