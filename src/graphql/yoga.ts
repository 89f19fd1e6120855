import { readFileSync } from "node:fs";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { createComplexityRule } from "@pothos/plugin-complexity";
import { validate, type ASTVisitor, type DocumentNode, type ValidationContext } from "graphql";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createGraphQLError, createYoga, type Plugin, type YogaLogger } from "graphql-yoga";
import type { Config } from "../config.js";
import { createContext, type RequestContext } from "../context.js";
import type { Logger } from "../logger.js";
import { authenticate, type Authentication } from "../services/principals.js";
import { asDomainError } from "../services/prisma-errors.js";
import { armorPlugins, boundedParserCache } from "./armor.js";
import { useCompiledReads } from "./compiled/plugin.js";
import { createLane } from "./fast-lane.js";
import { prometheusPlugin } from "./metrics.js";
import { maskError } from "./errors.js";
import { exampleTabs, overviewQuery } from "./examples.js";
import { schema } from "./schema.js";

export const CSRF_HEADER = "x-graphql-yoga-csrf";

function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      // A client's mistake (a DomainError, e.g. an invalid cursor) is a debug line, like REST's 4xx; messages may quote arguments
      if (first instanceof Error) logger[asDomainError((first as { originalError?: unknown }).originalError ?? first) ? "debug" : level]({ err: first }, "graphql error");
      else logger[level](rest.length ? { args: rest } : {}, String(first));
    };
  return { debug: forward("debug"), info: forward("info"), warn: forward("warn"), error: forward("error") };
}

/** Like graphql's NoSchemaIntrospectionCustomRule, but its error comes from yoga's graphql copy, so it is not masked. */
const noIntrospection = (context: ValidationContext): ASTVisitor => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type") {
      context.reportError(createGraphQLError(`GraphQL introspection is disabled, cannot query "${node.name.value}".`, { nodes: [node] }));
    }
  },
});

const disableIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(noIntrospection),
};

/**
 * Depth and complexity limits (cost model in complexity.ts), checked during validation with the request's
 * variables, so nothing runs when a query is too deep or too costly. Errors: QUERY_DEPTH / QUERY_COMPLEXITY.
 */
function queryLimits(maxDepth: number, maxComplexity: number): Plugin {
  return {
    // After graphql's own rules, so an invalid document gets graphql's error rather than the cost model's.
    onValidate: ({ params: { schema: validated, documentAST }, context }) =>
      ({ valid, setResult }) => {
        if (!valid) return;
        const { params } = context as unknown as { params?: { variables?: Record<string, unknown>; operationName?: string } };
        const rule = createComplexityRule({ context, variableValues: params?.variables ?? {}, operationName: params?.operationName ?? null, maxDepth, maxComplexity });
        const errors = validate(validated, documentAST, [rule]);
        if (errors.length) setResult([...errors]);
      },
  };
}

/**
 * graphql-js validation once per document: yoga's parse cache hands back the same DocumentNode for the same text,
 * and every rule in the set depends on the document only, so its result does not depend on the request. (yoga's own
 * validation cache stays off: it would also keep the complexity verdict, which reads the variables; queryLimits
 * still runs that rule on every request.) A WeakMap entry lives as long as its document.
 */
function documentValidationCache(): Plugin {
  const results = new WeakMap<DocumentNode, { schema: unknown; rules: number; errors: ReturnType<typeof validate> }>();
  return {
    onValidate: ({ validateFn, setValidationFn }) => {
      setValidationFn((schema, document, rules, typeInfo, options) => {
        const hit = results.get(document);
        if (hit && hit.schema === schema && hit.rules === (rules?.length ?? -1)) return hit.errors;
        const errors = validateFn(schema, document, rules, typeInfo, options);
        results.set(document, { schema, rules: rules?.length ?? -1, errors });
        return errors;
      });
    },
  };
}

/**
 * GET /graphql?variables=…: yoga JSON.parses `variables` and `extensions` from the query string unguarded, so
 * malformed JSON there was a 500. Answered 400 here, with the text yoga uses for a malformed POST body.
 */
const getParamsAreJson: Plugin = {
  onRequest: ({ request, url, endResponse }) => {
    if (request.method !== "GET") return;
    for (const name of ["variables", "extensions"]) {
      const value = url.searchParams.get(name);
      if (!value) continue;
      try {
        JSON.parse(value);
      } catch {
        endResponse(Response.json({ errors: [{ message: `Invalid ${name}: not valid JSON.` }] }, { status: 400 }));
        return;
      }
    }
  },
};

/** Allowed operations: a JSON file `{ "<sha256 of the document>": "<document>" }` (codegen writes test/gql/persisted-documents.json). */
function persistedOperations(file: string, allowArbitraryOperations: boolean): Plugin {
  let store: Record<string, string>;
  try {
    store = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch (err) {
    throw new Error(`GRAPHQL_PERSISTED_OPERATIONS: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return usePersistedOperations({
    allowArbitraryOperations,
    getPersistedOperation: (hash) => (Object.hasOwn(store, hash) ? store[hash]! : null),
  });
}

/** The GraphQL endpoint (/graphql) as a Fetch handler; errors are masked except DomainErrors. */
export function createGraphqlHandler(config: Config, logger: Logger) {
  const plugins: Plugin[] = [prometheusPlugin(), getParamsAreJson, ...armorPlugins({ introspection: config.GRAPHQL_INTROSPECTION })];
  if (config.GRAPHQL_CSRF_PREVENTION) plugins.push(useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }));
  if (config.GRAPHQL_PERSISTED_OPERATIONS) plugins.push(persistedOperations(config.GRAPHQL_PERSISTED_OPERATIONS, config.GRAPHQL_ALLOW_ARBITRARY_OPERATIONS));
  plugins.push(queryLimits(config.GRAPHQL_MAX_DEPTH, config.GRAPHQL_MAX_COMPLEXITY));
  if (!config.GRAPHQL_INTROSPECTION) plugins.push(disableIntrospection);
  const lane = createLane({ schema, maxDepth: config.GRAPHQL_MAX_DEPTH, maxComplexity: config.GRAPHQL_MAX_COMPLEXITY, enabled: !config.GRAPHQL_PERSISTED_OPERATIONS });
  plugins.push(documentValidationCache(), useCompiledReads(lane.admit));
  const yoga = createYoga<{ requestId?: string; auth?: Authentication; clientAddress?: string | null }, RequestContext>({
    schema,
    graphqlEndpoint: "/graphql",
    // Who is calling was decided at the HTTP edge (src/rest/app.ts); called directly (tests), yoga decides it here.
    context: async ({ request, requestId, auth, clientAddress }) => {
      const forwarded = request.headers.has("x-forwarded-for") || request.headers.has("forwarded");
      const { principal, problem } = auth ?? (await authenticate(config, { authorization: request.headers.get("authorization"), address: null, forwarded }));
      return createContext(request, { vkMandatory: config.VK_MANDATORY, requestId, principal, authProblem: problem, clientAddress: clientAddress ?? null });
    },
    // CORS is decided at the HTTP edge (src/rest/app.ts, CORS_ORIGINS); yoga's default would allow every origin.
    cors: false,
    maskedErrors: { maskError },
    parserAndValidationCache: boundedParserCache(),
    graphiql: config.GRAPHQL_INTROSPECTION ? { defaultQuery: overviewQuery, defaultTabs: exampleTabs, title: "Governance GraphQL" } : false,
    // Bundled GraphiQL assets: the page works offline (yoga's default loads them from a CDN).
    renderGraphiQL,
    logging: yogaLogger(logger),
    plugins,
  });
  type ServerContext = { requestId?: string; auth?: Authentication; clientAddress?: string | null };
  const contextFor = (request: Request, { requestId, auth, clientAddress }: ServerContext & { auth: Authentication }) => () =>
    createContext(request, { vkMandatory: config.VK_MANDATORY, requestId, principal: auth.principal, authProblem: auth.problem, clientAddress: clientAddress ?? null });
  return {
    /** The lane first when the edge says who is calling (fast-lane.ts); yoga for everything else. */
    fetch: async (request: Request, server?: ServerContext): Promise<Response> => {
      if (!server?.auth) return yoga.fetch(request, server ?? {});
      const answer = await lane.answer(request, contextFor(request, { ...server, auth: server.auth }));
      return answer instanceof Response ? answer : yoga.fetch(answer, server);
    },
  };
}
