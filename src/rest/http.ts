/**
 * What every REST route module imports: the route shape, json() and the JSON body reader. Route modules
 * declare routes here; src/rest/app.ts registers them on the Hono app (modules never import app.ts).
 */
import type { RequestContext } from "../context.js";
import type { Action, ResourceType } from "../services/access.js";
import { ValidationError } from "../services/errors.js";

export interface RestRequest {
  request: Request;
  params: Record<string, string>;
  query: URLSearchParams;
  ctx: RequestContext;
  /** The JSON body with keys converted to camelCase; 400 `Invalid JSON` when it does not parse. */
  body(): Promise<unknown>;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Segments; `:name` captures one. Literal segments win over captures at the same position. */
  path: string;
  /**
   * Who may call it (checked by src/rest/app.ts with services/access.ts before the handler runs), or
   * "virtual-key": the route authenticates the caller by the virtual key it presents (the quota read).
   */
  access: { action: Action; resource: ResourceType } | "virtual-key";
  handler: (req: RestRequest) => Promise<Response>;
  /**
   * Body fields (snake_case, at any depth) holding free-form maps, e.g. `deployments` or `headers`: the
   * map's own keys are kept verbatim; the values below them are converted as usual.
   */
  freeFormMaps?: readonly string[];
}

/**
 * A JSON answer with its content-length. The compression middleware (src/rest/app.ts) leaves an answer under 1 KiB
 * alone only when it knows its length: without one it gzipped even /health's 40 bytes through a CompressionStream
 * for every client that accepts gzip (browsers, fetch), ~0.35 ms of CPU per request.
 */
export function jsonResponse(body: unknown, status = 200, headers?: Record<string, string>): Response {
  const text = JSON.stringify(body);
  return new Response(text, { status, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers } });
}

export const json = (body: unknown, status = 200) => jsonResponse(body, status);
/**
 * A body that is JSON already (text or UTF-8 bytes): what json() sends for the value it encodes, with the `Vary` header the
 * compression middleware would add. Set here, it keeps that middleware from rebuilding the response around a
 * body stream (hono's c.header() after the handler: ~2 ms of string conversion per 400 KiB key page, issue #13).
 */
export const jsonText = (text: string | Uint8Array<ArrayBuffer>, status = 200) =>
  new Response(text, {
    status,
    headers: { "content-type": "application/json", "content-length": String(typeof text === "string" ? Buffer.byteLength(text) : text.byteLength), vary: "Accept-Encoding" },
  });

/** Deepest nesting of objects and arrays a REST body may have (Bifrost's deepest is about 5). */
export const MAX_JSON_DEPTH = 64;

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | null | undefined): boolean {
  return !!header && /^application\/json\s*(;|$)/i.test(header.trim());
}

/**
 * True when the text nests objects/arrays deeper than `max`: one pass over the characters, no recursion,
 * so a hostile 100,000-level body costs a loop, not the stack.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Converts object keys from snake_case to camelCase (values untouched); see Route.freeFormMaps. Recursive, so
 * only for parsed bodies whose depth readJson() has bounded.
 */
export function camelizeKeys(value: unknown, freeFormMaps: ReadonlySet<string> = new Set(), keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camelizeKeys(v, freeFormMaps));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [keepKeys ? k : camel(k), camelizeKeys(v, freeFormMaps, !keepKeys && freeFormMaps.has(k))]),
    );
  }
  return value;
}

/** Reads a JSON object body (size already bounded by the body-limit middleware) and camelizes its keys. */
export async function readJson(request: Request, freeFormMaps: ReadonlySet<string>): Promise<unknown> {
  const text = await request.text();
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new ValidationError(`Invalid JSON: nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError("Invalid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new ValidationError("Invalid JSON");
  return camelizeKeys(parsed, freeFormMaps);
}
