/**
 * The HTTP edge: one Hono app serving / (an index), /health (liveness), /ready (readiness), /metrics, /graphql
 * (yoga, when given) and the REST routes, behind Hono's
 * middleware: request id, access log, secure headers, CORS, compression and the body limit. REST answers
 * every failure with the Bifrost error envelope: 404 unknown route, 405 wrong method (with `Allow`), 413 body
 * too large, 415 body not JSON, 400 client mistakes, 500 generic.
 */
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX, compress } from "hono/compress";
import { contextStorage } from "hono/context-storage";
import { cors } from "hono/cors";
import type { RequestIdVariables } from "hono/request-id";
import { matchedRoutes } from "hono/route";
import { secureHeaders } from "hono/secure-headers";
import { getPath } from "hono/utils/url";
import { promisify } from "node:util";
import { deflate, gzip } from "node:zlib";
import type { Config } from "../config.js";
import { createContext } from "../context.js";
import { authorizeCtx } from "../services/access.js";
import { authenticate, type Authentication } from "../services/principals.js";
import { logRequest, type Logger } from "../logger.js";
import { observeHttp, registry } from "../metrics.js";
import { readiness } from "../services/readiness.js";
import { quote } from "../services/text.js";
import { adminKeyRoutes } from "./admin-keys.js";
import { auditRoutes } from "./audit.js";
import { budgetOverrideRoutes } from "./budget-overrides.js";
import { customerRoutes } from "./customers.js";
import { enforcementRoutes } from "./enforcement.js";
import { registerDocs } from "./docs.js";
import { errorResponse, toErrorResponse } from "./errors.js";
import { isJsonContentType, jsonResponse, readJson, type Route } from "./http.js";
import { limitRoutes } from "./limits.js";
import { mcpRoutes } from "./mcp.js";
import { modelConfigRoutes } from "./model-configs.js";
import { openApiDocument } from "./openapi.js";
import { providerGovernanceRoutes } from "./provider-governance.js";
import { governanceIoRoutes } from "./governance-io.js";
import { pricingRoutes } from "./pricing.js";
import { providerRoutes } from "./providers.js";
import { teamRoutes } from "./teams.js";
import { virtualKeyRoutes } from "./virtual-keys.js";

export const restRoutes: readonly Route[] = [
  ...customerRoutes,
  ...teamRoutes,
  ...virtualKeyRoutes,
  ...limitRoutes,
  ...providerRoutes,
  ...mcpRoutes,
  ...modelConfigRoutes,
  ...providerGovernanceRoutes,
  ...budgetOverrideRoutes,
  ...enforcementRoutes,
  ...pricingRoutes,
  ...governanceIoRoutes,
  ...adminKeyRoutes,
  ...auditRoutes,
];

let document: Record<string, unknown> | undefined;
/** Built on first request (once per process). */
const openApi = () => (document ??= openApiDocument(restRoutes));

/** What the edge hands to the GraphQL endpoint: the request id and who is calling. */
export interface EdgeContext {
  requestId: string;
  auth: Authentication;
  clientAddress: string | null;
}

/** The GraphQL endpoint (yoga): gets the request and what the edge decided about it. */
export interface GraphqlEndpoint {
  fetch(request: Request, serverContext: EdgeContext): Response | Promise<Response>;
}

/** @hono/node-server passes the Node request as `incoming`; in-process calls (tests) pass nothing. */
type Incoming = { socket?: { remoteAddress?: string }; headers?: Record<string, string | string[] | undefined>; readableEnded?: boolean };
type Bindings = { incoming?: Incoming } | undefined;
type Env = { Bindings: Bindings; Variables: RequestIdVariables & { auth: Authentication; clientAddress: string | null } };

/** GET /: where everything lives. */
const INDEX = {
  service: "governance-service",
  graphql: "/graphql",
  rest: "/api/governance",
  openapi: "/openapi.json",
  docs: "/docs",
  metrics: "/metrics",
  health: "/health",
  ready: "/ready",
};

/** Headers a browser on an allowed origin may send (everything a route reads). */
const CORS_HEADERS = ["content-type", "authorization", "x-request-id", "x-graphql-yoga-csrf", "x-bf-vk", "x-api-key", "x-goog-api-key", "api-key"];

const isGraphql = (path: string) => path === "/graphql" || path.startsWith("/graphql/");
const isDocs = (path: string) => path === "/docs" || path.startsWith("/docs/");
const rawPath = (c: Context) => new URL(c.req.url).pathname;
/** Whether the raw path percent-decodes: without a `%` in the URL it does (URL parsing only adds valid escapes). */
const rawPathDecodes = (c: Context) => !c.req.url.includes("%") || pathDecodes(rawPath(c));
/** The raw path for an error message: at most 100 characters (issue #9: messages never echo a whole input). */
const quotedPath = (c: Context) => quote(rawPath(c));

/** Empty segments are ignored (`//a/b/` routes like `/a/b`), as the Bifrost routes always did. */
const routingPath = (request: Request) => {
  const path = getPath(request);
  return path.includes("//") || (path.length > 1 && path.endsWith("/")) ? `/${path.split("/").filter(Boolean).join("/")}` : path;
};

function pathDecodes(path: string): boolean {
  try {
    for (const segment of path.split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** Sets a header on the answer (a fetched response's headers are immutable: it is copied first). */
function setHeader(c: Context<Env>, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}

/** A caller's request id is kept when it is sane: 1‥128 of A-Z a-z 0-9 _ - = (what hono/request-id accepted). */
const saneRequestId = /^[\w\-=]{1,128}$/;

/** Reads a body to its end, at most `max` bytes: false when it is longer (or fails). */
async function readToEnd(body: ReadableStream<Uint8Array>, max: number): Promise<boolean> {
  const reader = body.getReader();
  try {
    for (let bytes = 0; ; ) {
      const { done, value } = await reader.read();
      if (done) return true;
      bytes += value.byteLength;
      if (bytes > max) return false;
    }
  } catch {
    return false;
  } finally {
    reader.releaseLock();
  }
}

/**
 * Whether the request may carry body bytes nobody read, decided without touching `request.body`: with
 * @hono/node-server that getter builds a full undici Request (AbortSignal, web streams) for every request.
 * GET and HEAD never get a body from @hono/node-server; a Node request read to its end, or one without
 * content-length and transfer-encoding, has none left. Otherwise (and in process, without a Node request) ask.
 */
function mayHaveBody(c: Context<Env>): boolean {
  const method = c.req.method;
  if (method === "GET" || method === "HEAD") return false;
  const incoming = c.env?.incoming;
  if (!incoming?.headers) return true; // in process (tests may pass only a peer address)
  if (incoming.readableEnded) return false;
  const length = incoming.headers["content-length"];
  return incoming.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * A body nobody read (an answer given before the route reads it: 400 bad path encoding, 401, 429, 404, 405, a
 * DELETE with a body) is read here, before the answer goes out: left unread, @hono/node-server drains it after
 * the response and closes the keep-alive connection when that takes over 500 ms (a busy event loop), and the
 * client's next request on that connection fails (the fuzz client saw ~45 in 10,000 requests). Bounded: a 413's
 * body is left to @hono/node-server (it reads up to 64 MB for 500 ms, so the client can finish sending and read
 * the 413, then closes); any other body over the limit is not read to its end, and its answer closes the
 * connection (`Connection: close`) so that no client sends another request on it.
 */
async function readUnreadBody(c: Context<Env>, maxBytes: number): Promise<void> {
  if (c.res.status === 413 || !mayHaveBody(c)) return;
  const request = c.req.raw;
  if (!request.body || request.bodyUsed) return;
  if (!(await readToEnd(request.body, maxBytes))) setHeader(c, "connection", "close");
}

/**
 * The edge's own work for every request, in one middleware (each Hono middleware is one more async frame):
 * - the request id: a sane `x-request-id` kept, else a new UUID; echoed on every answer, set on the way out
 *   (Hono drops headers staged with c.header() when a handler returns a Response of its own, honojs/hono#4992);
 * - one access line per request: method, route pattern (never the raw path: ids and keys stay out), status, ms,
 *   request id; the pattern is the first route matching the request (the one that answers, or would have
 *   answered a 413), null when none does; and the request's metrics;
 * - an unread body read before the answer goes out (readUnreadBody).
 */
function edge(logger: Logger, maxBodyBytes: number): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now();
    const incomingId = c.req.header("x-request-id");
    const requestId = incomingId !== undefined && saneRequestId.test(incomingId) ? incomingId : crypto.randomUUID();
    c.set("requestId", requestId);
    await next();
    const ms = performance.now() - started;
    const route = matchedRoutes(c).find((r) => r.path !== "*" && r.path !== "/*")?.path ?? null; // not middleware
    const status = c.res.status;
    logRequest(logger, { reqId: requestId, method: c.req.method, route, status, ms: Math.round(ms * 10) / 10 });
    observeHttp(c.req.method, route, status, ms / 1000);
    await readUnreadBody(c, maxBodyBytes);
    setHeader(c, "x-request-id", requestId);
  };
}

/**
 * hono/body-limit, without building a full undici Request to see whether there is a body (it reads
 * `request.body` first): GET and HEAD have none; a Node request with a content-length and no transfer-encoding
 * is judged by its length, as body-limit does. Anything else (chunked, in process) goes through body-limit.
 */
function limitBody(maxSize: number, onError: () => Response): MiddlewareHandler<Env> {
  const limit = bodyLimit({ maxSize, onError });
  return (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const headers = c.env?.incoming?.headers;
    const length = headers?.["content-length"];
    if (typeof length === "string" && headers?.["transfer-encoding"] === undefined) return parseInt(length || "0", 10) > maxSize ? Promise.resolve(onError()) : next();
    return limit(c, next);
  };
}

const varyAcceptEncoding = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;
const noTransform = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;

const gzipLevel1 = promisify(gzip);
const deflateLevel1 = promisify(deflate);
const gzipListed = /(?:^|,)\s*gzip\s*(?:,|$)/i;
const deflateListed = /(?:^|,)\s*deflate\s*(?:,|$)/i;

/**
 * Compression, as hono/compress decides it (gzip before deflate; only compressible types; not under 1 KiB when the
 * length is known; not HEAD, 206, no-transform or an answer already encoded; `Vary: Accept-Encoding` on every answer
 * it would compress), with two differences:
 * - `Vary` is set on the answer's own headers (compress() sets it with c.header(), which makes @hono/node-server
 *   rebuild every answer as a full Response read back as a stream);
 * - an answer of known length (every JSON answer: src/rest/http.ts) is gzipped at level 1 in zlib's thread pool,
 *   not streamed through a CompressionStream at level 6 on the event loop: the 100-key REST page (~400 KiB) cost
 *   ~4 ms of server CPU more with accept-encoding than without. Bodies of unknown length (GraphiQL, yoga) still
 *   stream. An accept-encoding with q-values or a wildcard goes to compress() as it is.
 */
function compression(): MiddlewareHandler<Env> {
  const honoCompress = compress();
  return async (c, next) => {
    const accepted = c.req.header("accept-encoding");
    if (accepted !== undefined && (accepted.includes(";") || accepted.includes("*"))) return honoCompress(c, next);
    await next();
    const headers = c.res.headers;
    const length = headers.get("content-length");
    const type = headers.get("content-type");
    const cacheControl = headers.get("cache-control");
    if (c.res.status === 206 || headers.has("content-encoding") || headers.has("transfer-encoding") || c.req.method === "HEAD" || (length && Number(length) < 1024)) return;
    if (!type || !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) || (cacheControl && noTransform.test(cacheControl))) return;
    const vary = headers.get("vary");
    if (vary !== "*" && !(vary && varyAcceptEncoding.test(vary))) setHeader(c, "vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    const encoding = accepted === undefined ? undefined : gzipListed.test(accepted) ? "gzip" : deflateListed.test(accepted) ? "deflate" : undefined;
    if (!encoding || !c.res.body) return;
    if (length) {
      const zipped = await (encoding === "gzip" ? gzipLevel1 : deflateLevel1)(new Uint8Array(await c.res.arrayBuffer()), { level: 1 });
      c.res = new Response(new Uint8Array(zipped.buffer, zipped.byteOffset, zipped.byteLength), c.res); // Hono copies the old headers over
      c.res.headers.set("content-length", String(zipped.byteLength));
    } else {
      c.res = new Response(c.res.body.pipeThrough(new CompressionStream(encoding)), c.res);
      c.res.headers.delete("content-length");
    }
    c.res.headers.set("content-encoding", encoding);
    const etag = c.res.headers.get("etag");
    if (etag && !etag.startsWith("W/")) c.res.headers.set("etag", `W/${etag}`);
  };
}

/** Every route, plus a 405 for any other method on its path. Paths with more literal segments first, so
 * `/virtual-keys/quota` answers before `/virtual-keys/:id` (and answers 405, not the :id route, for PUT). */
function registerRoutes(app: Hono<Env>, config: Config, logger: Logger): void {
  const literals = (path: string) => path.split("/").filter((s) => s && !s.startsWith(":")).length;
  const byPath = new Map<string, Route[]>();
  for (const r of restRoutes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const paths = [...byPath.keys()].sort((a, b) => literals(b) - literals(a));
  for (const path of paths) {
    const group = byPath.get(path)!;
    for (const route of group) app.on(route.method, path, handler(route, config, logger));
    const allow = group.map((r) => r.method).join(", ");
    app.all(path, (c) => errorResponse(405, `Method ${c.req.method} not allowed for ${quotedPath(c)}`, { allow }));
  }
}

function handler(route: Route, config: Config, logger: Logger) {
  const freeFormMaps = new Set(route.freeFormMaps);
  const needsJson = route.method === "POST" || route.method === "PUT" || route.method === "PATCH";
  return async (c: Context<Env>) => {
    // Browsers send text/plain and form bodies cross-site without a preflight: only JSON is accepted.
    const { principal, problem } = c.get("auth");
    const ctx = createContext(c.req.raw, { vkMandatory: config.VK_MANDATORY, requestId: c.get("requestId"), principal, authProblem: problem, clientAddress: c.get("clientAddress") });
    const request = c.req.raw;
    try {
      if (route.access !== "virtual-key") authorizeCtx(ctx, route.access.action, { type: route.access.resource });
      if (needsJson && !isJsonContentType(c.req.header("content-type"))) return errorResponse(415, "Content-Type must be application/json");
      return await route.handler({ request, params: c.req.param(), query: new URL(request.url).searchParams, ctx, body: () => readJson(request, freeFormMaps) });
    } catch (err) {
      const res = toErrorResponse(err, (e) => logger.error({ err: e, route: route.path }, "unexpected error"));
      if (res.status === 401 && config.ADMIN_USERNAME) res.headers.set("www-authenticate", 'Basic realm="governance", charset="UTF-8"');
      if (res.status < 500) logger.debug({ route: route.path, status: res.status, code: (err as { code?: unknown }).code }, "client error");
      return res;
    }
  };
}

/**
 * Who is calling, for every request after /health: the credential (services/principals.ts) and the peer address.
 * Too many recent failures from the address: 429 with Retry-After, before anything else.
 */
function authentication(config: Config, logger: Logger): MiddlewareHandler<Env> {
  return async (c, next) => {
    const address = c.env?.incoming?.socket?.remoteAddress ?? null;
    const forwarded = c.req.header("x-forwarded-for") !== undefined || c.req.header("forwarded") !== undefined;
    try {
      c.set("auth", await authenticate(config, { authorization: c.req.header("authorization"), address, forwarded }));
    } catch (err) {
      return toErrorResponse(err, (e) => logger.error({ err: e }, "authentication failed unexpectedly"));
    }
    c.set("clientAddress", address);
    await next();
  };
}

/** Builds the HTTP app. Without `graphql`, /graphql is an unknown route (REST-only tests use that). Never listens. */
export function createHttpApp(config: Config, logger: Logger, graphql?: GraphqlEndpoint): Hono<Env> {
  const app = new Hono<Env>({ getPath: routingPath });
  const tooLarge = `Request body too large: the limit is ${config.MAX_BODY_BYTES} bytes`;
  const apiHeaders = secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } });
  const pageHeaders = secureHeaders(); // GraphiQL's page runs inline scripts and styles: no CSP there

  app.use(edge(logger, config.MAX_BODY_BYTES));
  app.use(contextStorage()); // log lines written while serving a request carry its reqId (src/logger.ts)
  app.use((c, next) => (isGraphql(c.req.path) ? pageHeaders(c, next) : isDocs(c.req.path) ? pageHeaders(c, next) /* docs.ts sets its own CSP */ : apiHeaders(c, next)));
  if (config.CORS_ORIGINS.length > 0) {
    const origin = config.CORS_ORIGINS.includes("*") ? "*" : [...config.CORS_ORIGINS];
    app.use(cors({ origin, allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"], allowHeaders: CORS_HEADERS, exposeHeaders: ["x-request-id"], maxAge: 600 }));
  }
  app.use(compression());
  app.use(limitBody(config.MAX_BODY_BYTES, () => errorResponse(413, tooLarge)));
  app.use(async (c, next) => (!isGraphql(c.req.path) && !rawPathDecodes(c) ? errorResponse(400, "Invalid path encoding") : next()));

  app.get("/", () => jsonResponse(INDEX));
  const health = { status: "ok", database: config.database.kind };
  app.all("/health", () => jsonResponse(health));
  app.get("/ready", async () => {
    const state = await readiness();
    return state.ready ? jsonResponse({ status: "ready", database: config.database.kind }) : errorResponse(503, `Not ready: ${state.reason}`);
  });
  app.get("/openapi.json", () => jsonResponse(openApi()));
  registerDocs(app);
  app.use(authentication(config, logger));
  // Metrics name routes, keys' activity and pool sizes: admin and viewer only once credentials are configured.
  app.get("/metrics", async (c) => {
    const { principal, problem } = c.get("auth");
    try {
      authorizeCtx(createContext(c.req.raw, { principal, authProblem: problem }), "read", { type: "metrics" });
    } catch (err) {
      return toErrorResponse(err, () => {});
    }
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  });
  if (graphql) {
    const toYoga = (c: Context<Env>) => graphql.fetch(c.req.raw, { requestId: c.get("requestId"), auth: c.get("auth"), clientAddress: c.get("clientAddress") });
    app.all("/graphql", toYoga);
    app.all("/graphql/*", toYoga);
  }
  registerRoutes(app, config, logger);
  app.notFound((c) => errorResponse(404, `Route not found: ${c.req.method} ${quotedPath(c)}`));
  app.onError((err) => {
    logger.error({ err }, "unexpected error");
    return errorResponse(500, "Internal server error");
  });
  return app;
}
