/** The /graphql endpoint itself: GraphiQL with the example query, and the introspection switch. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createGraphqlHandler } from "../../src/graphql/yoga.js";
import { createLogger } from "../../src/logger.js";
import { app } from "../helpers/app.js";
import { executeRaw } from "../helpers/graphql.js";

const introspection = JSON.stringify({ query: "{ __schema { queryType { name } } }" });

describe("/graphql", () => {
  it("serves GraphiQL with the nested example query to browsers", async () => {
    const res = await app.fetch(new Request("http://test/graphql", { headers: { accept: "text/html" } }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("query Overview");
    expect(html).toContain("providerConfigs");
  });

  it("answers introspection by default", async () => {
    const res = await executeRaw("{ __schema { queryType { name } } }");
    expect(res.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });

  it("rejects introspection and hides GraphiQL when GRAPHQL_INTROSPECTION=false", async () => {
    const config = loadConfig({ ...process.env, DATABASE_URL: "", GRAPHQL_INTROSPECTION: "false" });
    const yoga = createGraphqlHandler(config, createLogger("silent"));
    const res = await yoga.fetch(new Request("http://test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: introspection }));
    const body = (await res.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/introspection/i);
    const page = await yoga.fetch(new Request("http://test/graphql", { headers: { accept: "text/html" } }));
    expect(await page.text()).not.toContain("query Overview");
  });
});
