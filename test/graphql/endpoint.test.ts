/** The /graphql endpoint: GraphiQL, introspection switch, depth/complexity limits, CSRF prevention, persisted operations. */
import { readFileSync } from "node:fs";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { graphql } from "../gql/index.js";
import { app } from "../helpers/app.js";
import { execute, executeRaw, post } from "../helpers/graphql.js";

const introspection = JSON.stringify({ query: "{ __schema { queryType { name } } }" });
const handler = (env: Record<string, string>) => createGraphqlHandler(loadConfig({ ...process.env, DATABASE_URL: "", ...env }), createLogger("silent"));

const Shallow = graphql(/* GraphQL */ `
  query EndpointShallow($first: Int) { customers(first: $first) { totalCount edges { node { name budget { maxLimit } } } } }
`);

describe("GraphiQL and introspection", () => {
  it("serves GraphiQL with the example operations as tabs", async () => {
    const res = await app.fetch(new Request("http://test/graphql", { headers: { accept: "text/html" } }));
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const op of ["query Overview", "query KeysOverBudget", "query TopSpenders", "mutation CreateKey"]) expect(html).toContain(op);
  });

  it("answers introspection by default", async () => {
    const res = await executeRaw("{ __schema { queryType { name } } }");
    expect(res.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });

  it("rejects introspection and hides GraphiQL when GRAPHQL_INTROSPECTION=false", async () => {
    const yoga = handler({ GRAPHQL_INTROSPECTION: "false" });
    const res = await yoga.fetch(new Request("http://test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: introspection }));
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toBe('GraphQL introspection is disabled, cannot query "__schema".');
    const page = await yoga.fetch(new Request("http://test/graphql", { headers: { accept: "text/html" } }));
    expect(await page.text()).not.toContain("query Overview");
  });
});

describe("depth and complexity limits", () => {
  it("rejects a query deeper than GRAPHQL_MAX_DEPTH before running it", async () => {
    const yoga = handler({ GRAPHQL_MAX_DEPTH: "4" });
    const fetch = (r: Request) => yoga.fetch(r);
    expect((await execute(Shallow, { first: 1 }, { fetch })).errors).toEqual([
      { message: "Query depth of 5 exceeds max depth of 4", extensions: { code: "QUERY_DEPTH", queryDepth: { max: 4, actual: 5 } } },
    ]);
    const ok = await executeRaw("{ customers(first: 1) { edges { node { name } } } }", undefined, { fetch });
    expect(ok.errors).toBeUndefined();
  });

  it("counts objects: connection pages multiply by first (from variables too), scalars are free", async () => {
    const yoga = handler({ GRAPHQL_MAX_COMPLEXITY: "150" });
    const fetch = (r: Request) => yoga.fetch(r);
    // customers (1) + first × (node 1 + budget 1): 1 + 74 × 2 = 149 passes, 75 → 151 does not.
    expect((await execute(Shallow, { first: 74 }, { fetch })).errors).toBeUndefined();
    const res = await execute(Shallow, { first: 75 }, { fetch });
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      { message: "Query complexity of 151 exceeds max complexity of 150", extensions: { code: "QUERY_COMPLEXITY", queryComplexity: { max: 150, actual: 151 } } },
    ]);
    // The same document again with fewer rows: validation is cached per document, the complexity verdict is not.
    expect((await execute(Shallow, { first: 74 }, { fetch })).errors).toBeUndefined();
  });

  it("lets the preloaded GraphiQL examples through the default limits; every tab is valid", async () => {
    const { exampleTabs } = await import("../../src/graphql/examples.js");
    const { schema } = await import("../../src/graphql/schema.js");
    for (const tab of exampleTabs) expect(validate(schema, parse(tab.query))).toEqual([]);
    for (const tab of exampleTabs.filter((t) => t.query.trimStart().startsWith("#") && !t.query.includes("mutation"))) {
      const res = await executeRaw(tab.query, tab.variables ? JSON.parse(tab.variables) : undefined);
      expect(res.errors).toBeUndefined();
    }
  });
});

describe("CSRF prevention", () => {
  const query = encodeURIComponent("{ customers(first: 1) { totalCount } }");

  it("refuses GET and form posts without the custom header; JSON POSTs need none", async () => {
    const get = await app.fetch(new Request(`http://test/graphql?query=${query}`, { headers: { accept: "application/json" } }));
    expect(get.status).toBe(403);
    expect(await get.json()).toEqual({ errors: [{ message: "Required CSRF header(s) not present" }] });
    const form = await app.fetch(new Request("http://test/graphql", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `query=${query}` }));
    expect(form.status).toBe(403);
    const withHeader = await app.fetch(new Request(`http://test/graphql?query=${query}`, { headers: { accept: "application/json", "x-graphql-yoga-csrf": "1" } }));
    expect(withHeader.status).toBe(200);
    expect((await executeRaw("{ customers(first: 1) { totalCount } }")).status).toBe(200);
  });

  it("can be switched off with GRAPHQL_CSRF_PREVENTION=false", async () => {
    const yoga = handler({ GRAPHQL_CSRF_PREVENTION: "false" });
    const res = await yoga.fetch(new Request(`http://test/graphql?query=${query}`, { headers: { accept: "application/json" } }));
    expect(res.status).toBe(200);
  });
});

describe("persisted operations", () => {
  const file = new URL("../gql/persisted-documents.json", import.meta.url).pathname;
  const persisted = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  const [hash, document] = Object.entries(persisted).find(([, doc]) => doc.includes("EndpointShallow"))!;
  const byHash = { variables: { first: 1 }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };

  it("runs a stored operation by its sha256; with GRAPHQL_ALLOW_ARBITRARY_OPERATIONS=false nothing else", async () => {
    const yoga = handler({ GRAPHQL_PERSISTED_OPERATIONS: file, GRAPHQL_ALLOW_ARBITRARY_OPERATIONS: "false" });
    const fetch = (r: Request) => yoga.fetch(r);
    const stored = await post(byHash, { fetch });
    expect(stored.errors).toBeUndefined();
    expect(stored.data.customers.totalCount).toBeGreaterThanOrEqual(0);
    expect((await post({ query: document, variables: { first: 1 } }, { fetch })).errors).toEqual([{ message: "PersistedQueryOnly", extensions: { code: "CANNOT_SEND_PQ_ID_AND_BODY" } }]);
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, { fetch });
    expect(unknown.errors).toEqual([{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_IN_LIST" } }]);
  });

  it("allows arbitrary operations beside the stored ones by default", async () => {
    const yoga = handler({ GRAPHQL_PERSISTED_OPERATIONS: file });
    const fetch = (r: Request) => yoga.fetch(r);
    expect((await post(byHash, { fetch })).errors).toBeUndefined();
    expect((await executeRaw("{ customers(first: 1) { totalCount } }", undefined, { fetch })).errors).toBeUndefined();
  });

  it("fails at startup on an unreadable store", () => {
    expect(() => handler({ GRAPHQL_PERSISTED_OPERATIONS: "/nonexistent/ops.json" })).toThrow(/^GRAPHQL_PERSISTED_OPERATIONS: cannot read \/nonexistent\/ops.json: ENOENT/);
  });
});
