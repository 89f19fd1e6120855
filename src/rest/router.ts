/**
 * The REST compatibility layer: method + path table → thin handlers. Parses JSON (400 `Invalid JSON`),
 * converts snake_case bodies to the services' camelCase inputs, and answers every failure with the
 * Bifrost error envelope: 404 unknown route, 405 wrong method, 400 client mistakes, 500 generic.
 */
import type { Config } from "../config.js";
import { createContext, type RequestContext } from "../context.js";
import type { Logger } from "../logger.js";
import { ValidationError } from "../services/errors.js";
import { budgetOverrideRoutes } from "./budget-overrides.js";
import { customerRoutes } from "./customers.js";
import { enforcementRoutes } from "./enforcement.js";
import { errorResponse, toErrorResponse } from "./errors.js";
import { limitRoutes } from "./limits.js";
import { mcpRoutes } from "./mcp.js";
import { modelConfigRoutes } from "./model-configs.js";
import { providerGovernanceRoutes } from "./provider-governance.js";
import { providerRoutes } from "./providers.js";
import { teamRoutes } from "./teams.js";
import { virtualKeyRoutes } from "./virtual-keys.js";

export interface RestRequest {
  request: Request;
  params: Record<string, string>;
  query: URLSearchParams;
  ctx: RequestContext;
  /** The JSON body with keys converted to camelCase; 400 `Invalid JSON` when it does not parse. */
  body(): Promise<unknown>;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Segments; `:name` captures one. Literal segments win over captures at the same position. */
  path: string;
  handler: (req: RestRequest) => Promise<Response>;
  /**
   * Body fields (snake_case, at any depth) holding free-form maps, e.g. `deployments` or `headers`: the
   * map's own keys are kept verbatim; the values below them are converted as usual.
   */
  freeFormMaps?: readonly string[];
}

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Converts object keys from snake_case to camelCase, recursively (values untouched); see Route.freeFormMaps. */
export function camelizeKeys(value: unknown, freeFormMaps: ReadonlySet<string> = new Set(), keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camelizeKeys(v, freeFormMaps));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [keepKeys ? k : camel(k), camelizeKeys(v, freeFormMaps, !keepKeys && freeFormMaps.has(k))]),
    );
  }
  return value;
}

async function readJson(request: Request, freeFormMaps: ReadonlySet<string>): Promise<unknown> {
  const text = await request.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError("Invalid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new ValidationError("Invalid JSON");
  return camelizeKeys(parsed, freeFormMaps);
}

export const json = (body: unknown, status = 200) => Response.json(body, { status });

const routes: Route[] = [
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
];
const compiled = routes.map((r) => ({ ...r, segments: r.path.split("/").filter(Boolean) }));

function match(pathname: string) {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const candidates = compiled
    .filter((r) => r.segments.length === parts.length && r.segments.every((s, i) => s.startsWith(":") || s === parts[i]))
    .map((r) => ({ route: r, literals: r.segments.filter((s) => !s.startsWith(":")).length }));
  const best = Math.max(-1, ...candidates.map((c) => c.literals));
  return { parts, candidates: candidates.filter((c) => c.literals === best).map((c) => c.route) };
}

export function createRestHandler(config: Config, logger: Logger): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    let parts: string[];
    let candidates: (typeof compiled)[number][];
    try {
      ({ parts, candidates } = match(url.pathname));
    } catch {
      return errorResponse(400, "Invalid path encoding");
    }
    if (candidates.length === 0) return errorResponse(404, `Route not found: ${request.method} ${url.pathname}`);
    const route = candidates.find((r) => r.method === request.method);
    if (!route) {
      const allow = candidates.map((r) => r.method).join(", ");
      return errorResponse(405, `Method ${request.method} not allowed for ${url.pathname}`, { allow });
    }
    const params = Object.fromEntries(
      route.segments.flatMap((s, i) => (s.startsWith(":") ? [[s.slice(1), parts[i]!]] : [])),
    );
    const ctx = createContext(request, { adminToken: config.ADMIN_TOKEN, vkMandatory: config.VK_MANDATORY });
    try {
      return await route.handler({ request, params, query: url.searchParams, ctx, body: () => readJson(request, new Set(route.freeFormMaps)) });
    } catch (err) {
      return toErrorResponse(err, (e) => logger.error({ err: e, requestId: ctx.requestId, route: route.path }, "unexpected error"));
    }
  };
}
