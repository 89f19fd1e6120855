/**
 * /openapi.json: one operation per route of the app's route table (a route added without documentation fails
 * here, naming what to add), every schema compiles (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), request
 * examples match the request schemas, the golden responses and real responses of a run over every route family
 * match their operation's response schemas.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { restRoutes } from "../../src/rest/app.js";
import { examples } from "../../src/rest/openapi-examples.js";
import { operations } from "../../src/rest/openapi-operations.js";
import { recorded, rest, unique } from "../helpers/app.js";
import { examplesFile, examplesSource } from "../helpers/openapi-examples.js";
import { engine } from "../helpers/setup.js";

type Doc = { openapi: string; paths: Record<string, Record<string, any>>; components: Record<string, any> };

const docPath = (route: string) => route.replace(/:([A-Za-z_]+)/g, "{$1}");

async function document(): Promise<Doc> {
  const res = await rest<Doc>("GET", "/openapi.json");
  expect(res.status).toBe(200);
  return res.body;
}

function validator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
  const resolve = (schema: any): any => (schema?.$ref ? resolve(doc.components.responses[schema.$ref.split("/").pop()]) : schema);
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  return (pathKey: string, method: string, status: number, body: unknown): string | null => {
    const op = doc.paths[pathKey]?.[method.toLowerCase()];
    if (!op) return `${method} ${pathKey}: no operation`;
    const response = resolve(op.responses[String(status)]);
    if (!response) return `${method} ${pathKey}: status ${status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`;
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return null;
    const key = `${method} ${pathKey} ${status}`;
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
      cache.set(key, validate);
    }
    return validate(body) ? null : `${key}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 300)}`;
  };
}

/** The route pattern a concrete path was answered by (literal segments first, as the app registers them). */
function routeOf(method: string, rawPath: string): string | undefined {
  const path = rawPath.split("?")[0]!;
  const literals = (p: string) => p.split("/").filter((s) => s && !s.startsWith(":")).length;
  const candidates = restRoutes.filter((r) => r.method === method).sort((a, b) => literals(b.path) - literals(a.path));
  return candidates.find((r) => new RegExp(`^${r.path.replace(/:[A-Za-z_]+/g, "[^/]+")}$`).test(path))?.path;
}

describe(`OpenAPI document (${engine})`, () => {
  it("documents every route of the app's route table, and nothing else", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    const missing = restRoutes.filter((r) => !doc.paths[docPath(r.path)]?.[r.method.toLowerCase()]);
    expect(
      missing.map((r) => `${r.method} ${r.path} has no OpenAPI operation: add "${r.method} ${r.path}": { summary, tag, body: <the zod schema its service validates with> } to src/rest/openapi-operations.ts`),
    ).toEqual([]);
    const declared = new Set(restRoutes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(operations).filter((k) => !declared.has(k)).map((k) => `${k} is documented in src/rest/openapi-operations.ts but is no route`)).toEqual([]);
    const restOps = Object.entries(doc.paths).filter(([p]) => p.startsWith("/api/")).reduce((n, [, ops]) => n + Object.keys(ops).length, 0);
    expect(restOps).toBe(restRoutes.length);
    console.log(`[measure] OpenAPI: ${restOps} REST operations for ${restRoutes.length} routes (+ /health, /ready, /metrics)`);
  });

  it("names how to authenticate: management routes take a management credential (roles from services/access.ts), VK routes the virtual key", async () => {
    const doc = await document();
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["adminBasic", "managementKey", "virtualKey", "virtualKeyBearer"]);
    for (const r of restRoutes) {
      const op = doc.paths[docPath(r.path)]![r.method.toLowerCase()];
      const schemes = (op.security as Record<string, unknown>[]).flatMap((s) => Object.keys(s));
      if (r.access === "virtual-key") {
        expect(schemes, `${r.method} ${r.path}`).toContain("virtualKey");
        continue;
      }
      expect(schemes, `${r.method} ${r.path}`).toEqual(["managementKey", "adminBasic"]);
      expect(Object.keys(op.responses), `${r.method} ${r.path}`).toEqual(expect.arrayContaining(["401", "403", "429"]));
      expect(op["x-roles"], `${r.method} ${r.path}`).toContain("admin");
      if (r.access.action !== "read") expect(op["x-roles"], `${r.method} ${r.path}`).not.toContain("viewer");
    }
    const create = doc.paths["/api/governance/virtual-keys"]!.post;
    expect(create["x-roles"]).toEqual(["admin", "customer-admin"]);
    expect(doc.paths["/api/governance/virtual-keys"]!.get["x-roles"]).toEqual(["admin", "viewer", "customer-admin"]);
  });

  it("every schema compiles and every request example matches its request schema", async () => {
    const doc = await document();
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const content = op.requestBody?.content?.["application/json"];
        if (!content) continue;
        const validate = ajv.compile(content.schema);
        if (content.example !== undefined) expect(validate(content.example) ? null : `${m} ${p}: ${ajv.errorsText(validate.errors)}`).toBeNull();
      }
    }
  });

  it("src/rest/openapi-examples.ts is the golden responses, and they match their operations", async () => {
    expect(readFileSync(examplesFile, "utf8") === examplesSource() ? null : "src/rest/openapi-examples.ts is stale: run npx tsx test/helpers/openapi-examples.ts").toBeNull();
    const doc = await document();
    const check = validator(doc);
    for (const [key, op] of Object.entries(operations)) {
      if (!op.example) continue;
      const [method, route] = key.split(" ") as [string, string];
      expect(check(docPath(route), method, 200, examples[op.example])).toBeNull();
    }
  });

  it("real responses (success and errors, every route family) match the document", async () => {
    const customer = await rest("POST", "/api/governance/customers", { name: unique("oa"), budget: { max_limit: 10, reset_duration: "1M" } });
    const id = customer.body.customer.id as string;
    await rest("GET", `/api/governance/customers/${id}`);
    await rest("PUT", `/api/governance/customers/${id}`, { name: unique("oa2") });
    await rest("GET", "/api/governance/customers?limit=2");
    await rest("GET", "/api/governance/customers?from_memory=true&limit=2");
    const team = await rest("POST", "/api/governance/teams", { name: unique("oa-team"), customer_id: id });
    await rest("GET", `/api/governance/teams/${team.body.team.id}`);
    await rest("GET", "/api/governance/teams?limit=2");
    const vk = await rest("POST", "/api/governance/virtual-keys", { name: unique("oa-vk"), team_id: team.body.team.id, provider_configs: [{ provider: "openai", allowed_models: ["gpt-4o-mini"] }] });
    await rest("PUT", `/api/governance/virtual-keys/${vk.body.virtual_key.id}`, { description: "updated" });
    const key = (await rest("POST", `/api/governance/virtual-keys/${vk.body.virtual_key.id}/rotate`)).body.virtual_key.value as string;
    await rest("GET", `/api/governance/virtual-keys/${vk.body.virtual_key.id}`);
    const check = await rest("POST", "/api/governance/check", { model: "openai/gpt-4o-mini", request_id: unique("req") }, { "x-bf-vk": key });
    await rest("POST", "/api/governance/check", { model: "anthropic/claude-3-haiku" }, { "x-bf-vk": key });
    await rest("POST", "/api/governance/usage", { model: "openai/gpt-4o-mini", request_id: check.body.request_id, cost: 0.01, tokens: 5 }, { "x-bf-vk": key });
    await rest("GET", "/api/governance/virtual-keys/quota", undefined, { "x-bf-vk": key });
    await rest("GET", "/api/governance/budgets?limit=2");
    await rest("GET", "/api/governance/rate-limits?limit=2");
    await rest("POST", "/api/governance/model-configs", { model_name: unique("oa-model"), budget: { max_limit: 5, reset_duration: "1d" } });
    await rest("GET", "/api/governance/model-configs?limit=2");
    await rest("GET", "/api/governance/providers");
    await rest("GET", "/api/providers");
    await rest("GET", "/api/mcp/clients");
    await rest("GET", "/api/governance/customers/00000000-0000-0000-0000-000000000000"); // 404
    await rest("POST", "/api/governance/customers", { name: "" }); // 400
    await rest("POST", "/api/governance/customers", "{not json"); // 400
    await rest("DELETE", `/api/governance/virtual-keys/${vk.body.virtual_key.id}`);
    await rest("DELETE", `/api/governance/teams/${team.body.team.id}`);
    await rest("DELETE", `/api/governance/customers/${id}`);

    const doc = await document();
    const validate = validator(doc);
    const seen = recorded.filter((r) => r.path.startsWith("/api/"));
    expect(seen.length).toBeGreaterThan(25);
    const problems = seen.map((r) => {
      const route = routeOf(r.method, r.path);
      return route ? validate(docPath(route), r.method, r.status, r.body) : `${r.method} ${r.path}: no route`;
    });
    expect(problems.filter(Boolean)).toEqual([]);
    expect(new Set(seen.map((r) => r.status))).toEqual(new Set([200, 400, 403, 404]));
  });
});
