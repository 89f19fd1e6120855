/**
 * The OpenAPI 3.1 document of the REST API (GET /openapi.json), built once from the route table (app.ts) and
 * src/rest/openapi-operations.ts: request bodies are the zod schemas the services validate with
 * (z.toJSONSchema, keys turned to the wire's snake_case), responses are typed from the recorded golden
 * examples, errors are the Bifrost envelope. Routes without an entry are left out (the test fails on them).
 */
import { z } from "zod";
import { rolesAllowed } from "../services/access.js";
import type { Route } from "./http.js";
import { examples } from "./openapi-examples.js";
import { operations, type OperationDoc } from "./openapi-operations.js";

type Schema = Record<string, unknown>;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Renames object properties (and their `required` entries) to snake_case, at every depth. Map keys stay. */
function toWire(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toWire);
  if (!schema || typeof schema !== "object") return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema as Schema)) {
    if (k === "$schema") continue;
    if (k === "properties" && v && typeof v === "object") out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [snake(p), toWire(s)]));
    else if (k === "required" && Array.isArray(v)) out[k] = v.map((p) => snake(String(p)));
    else out[k] = toWire(v);
  }
  return out;
}

export function requestSchema(body: z.ZodType): Schema {
  return toWire(z.toJSONSchema(body, { io: "input", unrepresentable: "any", target: "draft-2020-12" })) as Schema;
}

/** A schema for values shaped like `example`: types of every field (null allowed below the top), top-level keys required. */
export function shapeOf(example: unknown, top = true): Schema {
  const nullable = (type: string): Schema => ({ type: top ? type : [type, "null"] });
  if (example === null || example === undefined) return {};
  if (Array.isArray(example)) return { ...nullable("array"), items: example.length ? shapeOf(example[0], false) : {} };
  if (typeof example === "object") {
    const entries = Object.entries(example);
    return {
      ...nullable("object"),
      properties: Object.fromEntries(entries.map(([k, v]) => [k, shapeOf(v, false)])),
      ...(top ? { required: entries.map(([k]) => k) } : {}),
    };
  }
  if (typeof example === "number") return nullable("number");
  return nullable(typeof example);
}

const errorEnvelope: Schema = {
  type: "object",
  description: "Bifrost's error envelope; enforcement denials add `type` (the decision).",
  required: ["is_bifrost_error", "status_code", "error", "extra_fields"],
  properties: {
    type: { type: "string", description: "Enforcement decision, e.g. budget_exceeded, rate_limited, virtual_key_not_found" },
    is_bifrost_error: { const: false },
    status_code: { type: "integer", description: "The HTTP status" },
    error: { type: "object", required: ["message"], properties: { message: { type: "string" } } },
    extra_fields: { type: "object" },
  },
};

const statusText: Record<number, string> = {
  400: "Invalid input (the message names the field)",
  401: "Credential missing or invalid: a management credential (Authorization: Bearer sk-gov-… / ADMIN_TOKEN, or Basic) once any is configured; the virtual key on VK-authenticated routes",
  402: "Budget exceeded",
  403: "Denied: the credential's role may not do this; a non-loopback caller while no credential is configured; or (enforcement) key blocked or inactive, provider or model not allowed",
  404: "Not found",
  405: "Method not allowed (see the Allow header)",
  409: "Conflict",
  413: "Body larger than MAX_BODY_BYTES",
  415: "Body is not application/json",
  429: "Rate limit exceeded, or too many failed authentication attempts from this address (see Retry-After)",
  500: "Internal error (details only in the log, under the request id)",
  503: "Unavailable: retry",
};

const listParams = (memory: boolean) => [
  { name: "limit", in: "query", schema: { type: "integer", minimum: 0 }, description: "Page size" },
  { name: "offset", in: "query", schema: { type: "integer", minimum: 0 }, description: "Rows to skip" },
  { name: "search", in: "query", schema: { type: "string" }, description: "Case-insensitive name filter" },
  ...(memory ? [{ name: "from_memory", in: "query", schema: { type: "string", enum: ["true"] }, description: "Items as an object keyed by id (Bifrost's in-memory view)" }] : []),
];

function successSchema(doc: OperationDoc): Schema {
  const example = doc.example ? examples[doc.example] : undefined;
  if (example === undefined) return { type: "object" };
  const shape = shapeOf(example);
  if (doc.list === "memory") {
    // from_memory=true answers the same items as an object keyed by id
    const props = shape.properties as Record<string, Schema>;
    for (const [k, v] of Object.entries(props)) {
      if (Array.isArray(v.type) && v.type[0] === "array") props[k] = { anyOf: [v, { type: "object", additionalProperties: v.items }] };
    }
  }
  return shape;
}

function operation(route: Route, doc: OperationDoc): Schema {
  const pathParams = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  const hasBody = route.method === "POST" || route.method === "PUT" || route.method === "PATCH";
  const management = route.access !== "virtual-key";
  const auth = management ? [401, 403, 429] : [];
  const statuses = [...new Set([400, ...(pathParams.length ? [404] : []), 405, ...(hasBody ? [413, 415] : []), ...auth, ...(doc.errors ?? []), 500])].sort((a, b) => a - b);
  const roles = route.access === "virtual-key" ? [] : rolesAllowed(route.access.action, route.access.resource);
  const example = doc.example ? examples[doc.example] : undefined;
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    summary: doc.summary,
    ...(management ? { description: `Roles: ${roles.join(", ")}. Without any credential configured, loopback callers need none.` } : {}),
    tags: [doc.tag],
    ...(pathParams.length || doc.list ? { parameters: [...pathParams, ...(doc.list ? listParams(doc.list === "memory") : [])] } : {}),
    ...(doc.virtualKey ? { security: [{ virtualKey: [] }, { virtualKeyBearer: [] }, {}] } : {}),
    ...(management ? { security: [{ managementKey: [] }, { adminBasic: [] }, {}], "x-roles": roles } : {}),
    ...(hasBody
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: doc.body ? requestSchema(doc.body) : { type: "object" }, ...(doc.bodyExample ? { example: doc.bodyExample } : {}) } },
          },
        }
      : {}),
    responses: {
      [doc.created ? 201 : 200]: { description: doc.created ? "Created" : "OK", content: { "application/json": { schema: successSchema(doc), ...(example !== undefined ? { example } : {}) } } },
      ...Object.fromEntries(statuses.map((s) => [s, { $ref: `#/components/responses/E${s}` }])),
    },
  };
}

const opsEndpoints = {
  "/health": { get: { operationId: "health", summary: "Liveness: the process serves (never touches the database)", tags: ["Operations"], responses: { 200: { description: "OK", content: { "application/json": { schema: { type: "object", properties: { status: { const: "ok" }, database: { enum: ["pglite", "postgres"] } } } } } } } } },
  "/ready": {
    get: {
      operationId: "ready",
      summary: "Readiness: the database answers and every migration is applied",
      tags: ["Operations"],
      responses: { 200: { description: "Ready", content: { "application/json": { schema: { type: "object", properties: { status: { const: "ready" }, database: { enum: ["pglite", "postgres"] } } } } } }, 503: { $ref: "#/components/responses/E503" } },
    },
  },
  "/metrics": { get: { operationId: "metrics", summary: "Prometheus metrics (text exposition format)", tags: ["Operations"], responses: { 200: { description: "Metrics", content: { "text/plain": { schema: { type: "string" } } } } } } },
};

/** The document for `routes` (every route with an entry in openapi-operations.ts). */
export function openApiDocument(routes: readonly Route[]): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes) {
    const doc = operations[`${route.method} ${route.path}`];
    if (!doc) continue;
    const path = route.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Governance service REST API (Bifrost-compatible)",
      version: "0.1.0",
      description:
        "Customers, teams, virtual keys, budgets, rate limits, providers, MCP clients and enforcement (check/usage). Bodies are JSON with snake_case keys. Errors use Bifrost's envelope. The GraphQL API is at /graphql (GraphiQL in a browser).",
    },
    servers: [{ url: "/" }],
    tags: [...new Set(Object.values(operations).map((o) => o.tag)), "Operations"].map((name) => ({ name })),
    paths: { ...paths, ...opsEndpoints },
    components: {
      schemas: { ErrorEnvelope: errorEnvelope },
      responses: Object.fromEntries(
        Object.entries(statusText).map(([s, description]) => [`E${s}`, { description, content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } } }]),
      ),
      securitySchemes: {
        managementKey: {
          type: "http",
          scheme: "bearer",
          description: "A management key (sk-gov-…, role admin, viewer, customer-admin or gateway), ADMIN_TOKEN (admin) or GATEWAY_TOKEN (gateway). Optional only while no credential is configured (then loopback callers only).",
        },
        adminBasic: { type: "http", scheme: "basic", description: "ADMIN_USERNAME / ADMIN_PASSWORD (admin), for Bifrost-style callers" },
        virtualKey: { type: "apiKey", in: "header", name: "x-bf-vk", description: "The virtual key value (sk-bf-…); x-api-key, x-goog-api-key and api-key are accepted too" },
        virtualKeyBearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer sk-bf-…" },
      },
    },
  };
}
