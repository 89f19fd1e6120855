/**
 * The fast lane (issue #13): a repeated read that yoga has already checked and the compiled reads answered is
 * answered again without yoga's request pipeline (request parsing, envelop's phases, result processing), which
 * cost more CPU than the page itself.
 *
 * A document enters the lane only after yoga ran it end to end — parsed, validated with every rule (graphql-js,
 * graphql-armor, introspection, the cost model) — and the compiled reads answered it (`admit`, called from
 * their plugin). Everything that depends on the request is still decided per request, as yoga would: the body's
 * shape, the media type answered (Accept), the caller (authorization is checked by the compiled read itself),
 * the variables (coerced) and the cost model (it reads `first`/`last` from the variables). Anything the lane does
 * not take — another method, media type or body shape, a document it has not seen, variables that fail, a cost
 * over the limit, a read that does not compile (e.g. the caller may not read it) — goes to yoga with the same
 * body, so every error keeps one implementation. Persisted-operations mode turns the lane off (a document text
 * would otherwise pass without its hash). `fastLane.served` counts answers; tests compare them with yoga's.
 */
import { createComplexityRule } from "@pothos/plugin-complexity";
import { getOperationAST, Kind, validate, type DocumentNode, type GraphQLSchema, type TypeNode } from "graphql";
import type { RequestContext } from "../context.js";
import { CharBoundedCache } from "./armor.js";
import { compiledAnswer } from "./compiled/plugin.js";
import { graphqlPhases } from "./metrics.js";

/** Switch for tests that compare the lane with yoga; `served` counts the lane's answers. */
export const fastLane = { enabled: true, served: 0 };

/** Documents admitted (by operation name and text): at most this many characters of text, none longer than the second. */
const ADMITTED_CHARS = 1024 * 1024;
const ADMITTED_DOCUMENT_CHARS = 8 * 1024;
/** Variable types that can change a cost verdict, and how many verdicts a document keeps. */
const COST_TYPES = new Set(["Int", "Boolean"]);
const VERDICTS_PER_DOCUMENT = 256;
/** A variable not sent (its default applies), told apart from one sent as null. */
const ABSENT = { absent: true };
const namedType = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type));
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const PARAMS = new Set(["query", "variables", "operationName"]);

interface Params {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
}

/** The admission key: a name never contains "#" or a newline, so the split is unambiguous. */
const keyOf = (query: string, operationName: string | null) => (operationName === null ? `\n${query}` : `${operationName}#${query}`);

/** The body as yoga would read it, when it is a plain `{ query, variables?, operationName? }`; otherwise null. */
function plainParams(body: unknown): Params | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  for (const k in b) if (!PARAMS.has(k)) return null;
  const { query, variables = null, operationName = null } = b;
  if (typeof query !== "string") return null;
  if (variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return null;
  if (operationName !== null && (typeof operationName !== "string" || !NAME.test(operationName))) return null;
  return { query, variables: variables as Record<string, unknown> | null, operationName };
}

/** `application/json` (any parameters) as yoga's POST JSON parser accepts it; other types go to yoga. */
const isJson = (contentType: string | null) => contentType !== null && /^application\/json\s*(;|$)/i.test(contentType);

/**
 * The media type yoga answers a successful single result with, for the Accept headers the lane takes (absent,
 * `*` `/` `*`, `application/json`, `application/graphql-response+json`, each with no parameter or charset=utf-8);
 * null for any other (yoga negotiates it).
 */
function answeredType(accept: string | null): string | null {
  if (accept === null) return "application/json";
  const [type, ...params] = accept.replace(/\s/g, "").toLowerCase().split(";");
  if (params.length > 1 || (params.length === 1 && params[0] !== "charset=utf-8")) return null;
  if (type === "*/*" || type === "application/json" || type === "application/*") return "application/json";
  if (type === "application/graphql-response+json") return type;
  return null;
}

export interface LaneOptions {
  schema: GraphQLSchema;
  maxDepth: number;
  maxComplexity: number;
  /** False in persisted-operations mode. */
  enabled: boolean;
}

export interface Lane {
  /** For the compiled reads' plugin: yoga answered `document` for this context's request by a compiled read. */
  admit(context: unknown, document: DocumentNode): void;
  /** The lane's answer, or the request to hand to yoga (the original, or a copy when the lane read its body). */
  answer(request: Request, ctx: () => RequestContext): Promise<Response | Request>;
}

export function createLane(options: LaneOptions): Lane {
  const admitted = new CharBoundedCache<DocumentNode>(ADMITTED_CHARS, ADMITTED_DOCUMENT_CHARS);
  const { schema, maxDepth, maxComplexity } = options;

  /**
   * The cost model's verdict (yoga.ts queryLimits runs the same rule). Depth depends on the document only and cost
   * on `first`/`last` (complexity.ts) and on @skip/@include, so the verdict is kept per document and the values of
   * its Int and Boolean variables — the only ones those arguments can take.
   */
  const verdicts = new WeakMap<DocumentNode, Map<string, boolean>>();
  const withinLimits = (document: DocumentNode, params: Params, context: RequestContext) => {
    const variables = params.variables ?? {};
    const operation = getOperationAST(document, params.operationName);
    const key = JSON.stringify(
      (operation?.variableDefinitions ?? []).filter((d) => COST_TYPES.has(namedType(d.type))).map((d) => (Object.hasOwn(variables, d.variable.name.value) ? variables[d.variable.name.value] : ABSENT)),
    );
    let known = verdicts.get(document);
    const verdict = known?.get(key);
    if (verdict !== undefined) return verdict;
    const rule = createComplexityRule({ context, variableValues: variables, operationName: params.operationName, maxDepth, maxComplexity });
    const ok = validate(schema, document, [rule]).length === 0;
    if (!known) verdicts.set(document, (known = new Map()));
    if (known.size >= VERDICTS_PER_DOCUMENT) known.clear();
    known.set(key, ok);
    return ok;
  };

  return {
    admit(context, document) {
      if (!options.enabled) return;
      const { request, params } = context as { request?: Request; params?: Record<string, unknown> };
      if (request?.method !== "POST" || !params) return;
      const plain = plainParams({ query: params.query, variables: params.variables ?? null, operationName: params.operationName ?? null, ...(params.extensions ? { extensions: params.extensions } : {}) });
      if (plain) admitted.set(keyOf(plain.query, plain.operationName), document);
    },

    async answer(request, ctx) {
      if (!options.enabled || !fastLane.enabled || request.method !== "POST" || !isJson(request.headers.get("content-type"))) return request;
      const type = answeredType(request.headers.get("accept"));
      if (type === null) return request;
      const text = await request.text();
      const toYoga = () => new Request(request.url, { method: "POST", headers: request.headers, body: text });
      let params: Params | null;
      try {
        params = plainParams(JSON.parse(text));
      } catch {
        return toYoga();
      }
      const document = params && admitted.get(keyOf(params.query, params.operationName));
      if (!params || !document) return toYoga();
      const context = ctx();
      const checked = performance.now();
      if (!withinLimits(document, params, context)) return toYoga();
      const executing = performance.now();
      const body = await compiledAnswer(schema, document, params.operationName, params.variables, context);
      if (body === null) return toYoga();
      fastLane.served++;
      const done = performance.now();
      graphqlPhases.observe("query", { validate: executing - checked, execute: done - executing });
      // As yoga answers: its Response carries the length (and compress() then leaves a small answer alone).
      return new Response(body, { status: 200, headers: { "content-type": `${type}; charset=utf-8`, "content-length": String(Buffer.byteLength(body)) } });
    },
  };
}
