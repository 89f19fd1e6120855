/**
 * The HTTP edge (src/rest/app.ts), in process: body limit (413), JSON only (415), bounded JSON depth, request
 * ids, CORS, compression and secure headers, on REST and on /graphql. Hostile inputs never reach a service.
 */
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { db } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { createApp } from "../../src/server.js";
import { app, rest, unique } from "../helpers/app.js";

const envelope = (status: number, message: string) => ({ is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} });
const MiB = 1024 * 1024;
const appWith = (env: Record<string, string>) => createApp(loadConfig({ ...process.env, DATABASE_URL: "", LOG_LEVEL: "silent", ...env }), createLogger("silent"));

/** A body of exactly `bytes` bytes that is valid JSON creating a customer named `name`. */
const customerBody = (name: string, bytes: number) => {
  const head = `{"name":"${name}","x":"`;
  return `${head}${"x".repeat(bytes - head.length - 2)}"}`;
};
/** A request body as a stream: no content-length, the limit must be enforced while reading. */
const streamed = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
      controller.close();
    },
  });
const post = (path: string, body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
  app.fetch(new Request(`http://test${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit));

describe("body limit (MAX_BODY_BYTES, default 1 MiB)", () => {
  it("REST: a body over 1 MiB is 413 in the envelope and creates nothing; one just under passes the limit", async () => {
    const name = unique("big");
    for (const body of [customerBody(name, MiB + 1), streamed(customerBody(name, MiB + 1))]) {
      const res = await post("/api/governance/customers", body);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(envelope(413, `Request body too large: the limit is ${MiB} bytes`));
    }
    expect(await db.customer.count({ where: { name } })).toBe(0);
    const fits = await post("/api/governance/customers", customerBody(name, MiB));
    expect(fits.status).toBe(400); // read and parsed: the over-long field `x` is the service's answer
    expect(await fits.json()).toEqual(envelope(400, "Invalid value for x: must be at most 4096 characters"));
  });

  it("GraphQL: a document over the limit is 413 in the envelope before yoga parses it", async () => {
    const query = `{ ${"a: __typename ".repeat(MiB / 14)} }`;
    for (const body of [JSON.stringify({ query }), streamed(JSON.stringify({ query }))]) {
      const res = await post("/graphql", body);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual(envelope(413, `Request body too large: the limit is ${MiB} bytes`));
    }
  });

  it("follows MAX_BODY_BYTES and names the limit", async () => {
    const small = appWith({ MAX_BODY_BYTES: "4096" });
    const res = await small.fetch(new Request("http://test/api/governance/teams", { method: "POST", headers: { "content-type": "application/json" }, body: customerBody("t", 4097) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(envelope(413, "Request body too large: the limit is 4096 bytes"));
  });
});

describe("a body nobody read is read before the answer (the keep-alive connection stays usable)", () => {
  it("early answers (bad path encoding, unknown route, 405) read the body first", async () => {
    const early: [string, string, number][] = [
      ["PUT", "/api/providers/%ED%A0%80/keys/x", 400],
      ["POST", "/api/nope", 404],
      ["DELETE", "/api/governance/virtual-keys/quota", 405],
    ];
    for (const [method, path, status] of early) {
      const request = new Request(`http://test${path}`, { method, headers: { "content-type": "application/json" }, body: '{"name":"x"}' });
      const res = await app.fetch(request);
      expect(res.status).toBe(status);
      expect(request.bodyUsed).toBe(true); // left unread, @hono/node-server may close the connection under load
      expect(res.headers.get("connection")).toBeNull();
    }
  });
});

describe("REST bodies must be JSON (415)", () => {
  it.each([
    ["text/plain", "text/plain"],
    ["text/plain with charset", "text/plain;charset=UTF-8"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["json look-alike", "application/jsonp"],
  ])("POST and PUT with %s → 415, nothing created", async (_label, type) => {
    const name = unique("csrf");
    const created = await post("/api/governance/customers", JSON.stringify({ name }), { "content-type": type });
    expect(created.status).toBe(415);
    expect(await created.json()).toEqual(envelope(415, "Content-Type must be application/json"));
    expect(await db.customer.count({ where: { name } })).toBe(0);
    const existing = await rest("POST", "/api/governance/teams", { name: unique("t") });
    const updated = await app.fetch(new Request(`http://test/api/governance/teams/${existing.body.team.id}`, { method: "PUT", headers: { "content-type": type }, body: JSON.stringify({ name }) }));
    expect(updated.status).toBe(415);
    expect((await rest("GET", `/api/governance/teams/${existing.body.team.id}`)).body.team.name).not.toBe(name);
  });

  it("a POST without a body and without a content type (fetch no-cors) is 415 too: rotating needs JSON", async () => {
    const vk = await rest("POST", "/api/governance/virtual-keys", { name: unique("vk") });
    const res = await app.fetch(new Request(`http://test/api/governance/virtual-keys/${vk.body.virtual_key.id}/rotate`, { method: "POST" }));
    expect(res.status).toBe(415);
    expect((await rest("POST", `/api/governance/virtual-keys/${vk.body.virtual_key.id}/rotate`)).status).toBe(200);
  });

  it("accepts application/json with parameters, in any case", async () => {
    const res = await post("/api/governance/customers", JSON.stringify({ name: unique("ok") }), { "content-type": "Application/JSON; charset=utf-8" });
    expect(res.status).toBe(200);
  });
});

describe("JSON nesting is bounded (64 levels), without recursion", () => {
  const nested = (levels: number, open: string, close: string, inner = "1") => `{"name":"x","budget":${open.repeat(levels)}${inner}${close.repeat(levels)}}`;

  it.each([
    ["objects", '{"a":', "}"],
    ["arrays", "[", "]"],
  ])("10,000 levels of %s → 400 with a clear message, not 500", async (_label, open, close) => {
    for (const levels of [10_000, 100_000]) {
      const res = await post("/api/governance/customers", nested(levels, open, close));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(envelope(400, "Invalid JSON: nested deeper than 64 levels"));
    }
  });

  it("64 levels are read (the service answers); brackets inside strings do not count", async () => {
    const res = await post("/api/governance/customers", nested(62, '{"a":', "}"));
    expect(await res.json()).toEqual(envelope(400, "Unknown field: budget.a"));
    const name = unique(`${"[{".repeat(100)}`);
    const quoted = await post("/api/governance/customers", JSON.stringify({ name }));
    expect(quoted.status).toBe(200);
  });
});

describe("request id", () => {
  const requests: [string, () => Promise<Response>][] = [
    ["200 REST", () => app.fetch(new Request("http://test/api/governance/customers?limit=1"))],
    ["400 REST", () => post("/api/governance/customers", "not-json")],
    ["404 unknown route", () => app.fetch(new Request("http://test/nope"))],
    ["405", () => app.fetch(new Request("http://test/api/governance/teams", { method: "PATCH" }))],
    ["413", () => post("/api/governance/customers", customerBody("x", MiB + 1))],
    ["415", () => post("/api/governance/customers", "{}", { "content-type": "text/plain" })],
    ["/health", () => app.fetch(new Request("http://test/health"))],
    ["/graphql", () => post("/graphql", JSON.stringify({ query: "{ __typename }" }))],
    ["/graphql error", () => post("/graphql", JSON.stringify({ query: "{ nope }" }))],
  ];

  it.each(requests)("every response carries x-request-id: %s", async (_label, send) => {
    const res = await send();
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a sane incoming id and replaces an insane one", async () => {
    const send = (id: string) => app.fetch(new Request("http://test/api/governance/nope", { headers: { "x-request-id": id } }));
    expect((await send("gw-7f3a_01=")).headers.get("x-request-id")).toBe("gw-7f3a_01=");
    for (const bad of ["has space", "<script>", "a".repeat(129), "sk-bf-ok/../x", "ü"]) {
      const id = (await send(bad)).headers.get("x-request-id");
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const graphql = await app.fetch(new Request("http://test/graphql", { method: "POST", headers: { "content-type": "application/json", "x-request-id": "trace-42" }, body: '{"query":"{ __typename }"}' }));
    expect(graphql.headers.get("x-request-id")).toBe("trace-42");
  });
});

describe("CORS (CORS_ORIGINS, default none)", () => {
  const preflight = (target: { fetch(r: Request): Promise<Response> }, path: string, origin: string) =>
    target.fetch(new Request(`http://test${path}`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } }));

  it("by default no origin is allowed, on REST and /graphql (yoga's allow-all default is off)", async () => {
    for (const path of ["/api/governance/customers", "/graphql"]) {
      const res = await preflight(app, path, "https://app.example.com");
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const get = await app.fetch(new Request("http://test/api/governance/customers?limit=1", { headers: { origin: "https://app.example.com" } }));
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows exactly the listed origins, with the headers the routes read", async () => {
    const allowing = appWith({ CORS_ORIGINS: "https://app.example.com, http://localhost:3000" });
    for (const path of ["/api/governance/customers", "/graphql"]) {
      const ok = await preflight(allowing, path, "https://app.example.com");
      expect(ok.status).toBe(204);
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(ok.headers.get("access-control-allow-headers")).toContain("content-type");
      expect(ok.headers.get("access-control-allow-headers")).toContain("x-bf-vk");
      const other = await preflight(allowing, path, "https://evil.example.com");
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    }
    const get = await allowing.fetch(new Request("http://test/health", { headers: { origin: "http://localhost:3000" } }));
    expect(get.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(get.headers.get("access-control-expose-headers")).toBe("x-request-id");
  });
});

describe("compression and secure headers", () => {
  it("compresses the GraphiQL page when the client accepts gzip", async () => {
    const plain = await app.fetch(new Request("http://test/graphql", { headers: { accept: "text/html" } }));
    const plainBytes = (await plain.arrayBuffer()).byteLength;
    const res = await app.fetch(new Request("http://test/graphql", { headers: { accept: "text/html", "accept-encoding": "gzip" } }));
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const zipped = Buffer.from(await res.arrayBuffer());
    expect(zipped.byteLength).toBeLessThan(plainBytes / 2);
    expect(gunzipSync(zipped).toString()).toContain("query Overview");
  });

  it("sets secure headers everywhere, and a deny-all CSP on API responses (not on GraphiQL's page)", async () => {
    const api = await app.fetch(new Request("http://test/api/governance/nope"));
    const page = await app.fetch(new Request("http://test/graphql", { headers: { accept: "text/html" } }));
    for (const res of [api, page]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    }
    expect(api.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).toBeNull();
  });
});

describe("routing kept from the hand-written router", () => {
  it("a literal segment owns its path for every method: PUT /virtual-keys/quota → 405 Allow GET, not the :id route", async () => {
    for (const method of ["PUT", "DELETE", "POST"]) {
      const res = await rest(method, "/api/governance/virtual-keys/quota", {});
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
      expect(res.body).toEqual(envelope(405, `Method ${method} not allowed for /api/governance/virtual-keys/quota`));
    }
  });

  it("empty segments and a trailing slash route like the plain path; bad percent-encoding is 400", async () => {
    expect((await rest("GET", "/api//governance/customers/?limit=1")).status).toBe(200);
    expect((await rest("GET", "/api/governance/customers/%E0%A4%A")).body).toEqual(envelope(400, "Invalid path encoding"));
    expect((await rest("GET", "/api/governance/nope/%ZZ")).body).toEqual(envelope(400, "Invalid path encoding"));
  });

  it("path ids are decoded once", async () => {
    const res = await rest("GET", "/api/governance/customers/a%2Fb%20c");
    expect(res.body).toEqual(envelope(404, "Customer not found"));
  });
});
