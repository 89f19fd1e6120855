/** The tables both access tests walk: every REST route and GraphQL root field, how to call it, what each principal gets. */
import { encodeGlobalID } from "@pothos/plugin-relay";
import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, isUnionType, type GraphQLInputType } from "graphql";
import { schema } from "../../src/graphql/schema.js";
import { createHttpApp } from "../../src/rest/app.js";
import { createLogger } from "../../src/logger.js";
import { config, unique } from "../helpers/app.js";
import { asAdmin, type PrincipalName, type World } from "./fixtures.js";

export type Status = 200 | 400 | 401 | 403 | 404;
export type Kind = "globalRead" | "adminOnly" | "ownedList" | "ownedRead" | "ownedWrite" | "ownedReference" | "enforcement" | "auditRead" | "virtualKey";

const row = (viewer: Status, own: Status, other: Status, gateway: Status, noneStatus: Status = 401): Record<PrincipalName, Status> => ({
  none: noneStatus,
  viewer,
  customerAdminOwn: own,
  customerAdminOther: other,
  gateway,
  admin: 200,
  expired: 401,
  revoked: 401,
});

/** Each kind of operation → the status every principal gets. */
export const EXPECTED: Record<Kind, Record<PrincipalName, Status>> = {
  globalRead: row(200, 403, 403, 403),
  adminOnly: row(403, 403, 403, 403),
  ownedList: row(200, 200, 200, 403),
  ownedRead: row(200, 200, 404, 403),
  ownedWrite: row(403, 200, 404, 403),
  // Creating under a team named in the body: another customer's team answers what an unknown team answers (400
  // "Team not found"), so its existence cannot be probed (test/access/probing.test.ts).
  ownedReference: row(403, 200, 400, 403),
  enforcement: row(403, 403, 403, 200),
  auditRead: row(200, 403, 403, 403),
  // Authenticated by the virtual key itself: management credentials play no part (not even a wrong one).
  virtualKey: { none: 200, viewer: 200, customerAdminOwn: 200, customerAdminOther: 200, gateway: 200, admin: 200, expired: 200, revoked: 200 },
};

interface Req {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}
type RestEntry = { kind: Kind; req: (w: World) => Promise<Req> | Req };

const freshCustomer = async () => (await asAdmin("POST", "/api/governance/customers", { name: unique("acl-fresh") })).customer.id as string;
const freshTeam = async (w: World) => (await asAdmin("POST", "/api/governance/teams", { name: unique("acl-fresh"), customer_id: w.customerA })).team.id as string;
const freshVk = async (w: World) => (await asAdmin("POST", "/api/governance/virtual-keys", { name: unique("acl-fresh"), team_id: w.teamA })).virtual_key.id as string;
const freshProvider = async () => {
  const name = unique("aclp").replace(/-/g, "_");
  await asAdmin("POST", "/api/providers", { provider: name });
  return name;
};
const freshMcp = async () => {
  const name = unique("aclm").replace(/-/g, "_");
  await asAdmin("POST", "/api/mcp/client", { name, connection_type: "http", connection_string: "https://tools.example/mcp" });
  return name;
};
const freshModelConfig = async () => (await asAdmin("POST", "/api/governance/model-configs", { model_name: unique("acl-fresh") })).model_config.id as string;
const freshProviderKey = async (w: World) => (await asAdmin("POST", `/api/providers/${w.provider}/keys`, { name: unique("k"), value: "sk-acl-x" })).key_id as string;
const freshManagementKey = async () => (await asAdmin("POST", "/api/admin/keys", { name: unique("acl-fresh"), role: "viewer" })).key.id as string;
const overrideBody = () => ({ name: "acl", scope_kind: "provider", provider_id: "openai", match_type: "exact", pattern: unique("acl-m"), request_types: ["chat_completion"], patch: { input_cost_per_token: 0.000001 } });
const freshOverride = async () => (await asAdmin("POST", "/api/governance/pricing-overrides", overrideBody())).pricing_override.id as string;
const freshPrice = async () => {
  const model = unique("acl-m");
  await asAdmin("PUT", "/api/governance/model-prices", { provider: "openai", model, input_cost_per_token: 0.001, output_cost_per_token: 0.002 });
  return model;
};
const enforcementBody = (w: World) => ({ headers: { "x-bf-vk": w.vkAValue } });

/** One entry per REST route: `METHOD /path` as registered. */
export const REST: Record<string, RestEntry> = {
  "GET /api/governance/customers": { kind: "ownedList", req: () => ({ path: "/api/governance/customers" }) },
  "POST /api/governance/customers": { kind: "adminOnly", req: () => ({ path: "/api/governance/customers", body: { name: unique("acl-new") } }) },
  "GET /api/governance/customers/:id": { kind: "ownedRead", req: (w) => ({ path: `/api/governance/customers/${w.customerA}` }) },
  "PUT /api/governance/customers/:id": { kind: "ownedWrite", req: (w) => ({ path: `/api/governance/customers/${w.customerA}`, body: {} }) },
  "DELETE /api/governance/customers/:id": { kind: "adminOnly", req: async () => ({ path: `/api/governance/customers/${await freshCustomer()}` }) },
  "GET /api/governance/teams": { kind: "ownedList", req: () => ({ path: "/api/governance/teams" }) },
  "POST /api/governance/teams": { kind: "ownedWrite", req: (w) => ({ path: "/api/governance/teams", body: { name: unique("acl-new"), customer_id: w.customerA } }) },
  "GET /api/governance/teams/:id": { kind: "ownedRead", req: (w) => ({ path: `/api/governance/teams/${w.teamA}` }) },
  "PUT /api/governance/teams/:id": { kind: "ownedWrite", req: (w) => ({ path: `/api/governance/teams/${w.teamA}`, body: {} }) },
  "DELETE /api/governance/teams/:id": { kind: "ownedWrite", req: async (w) => ({ path: `/api/governance/teams/${await freshTeam(w)}` }) },
  "GET /api/governance/virtual-keys": { kind: "ownedList", req: () => ({ path: "/api/governance/virtual-keys" }) },
  "POST /api/governance/virtual-keys": { kind: "ownedReference", req: (w) => ({ path: "/api/governance/virtual-keys", body: { name: unique("acl-new"), team_id: w.teamA } }) },
  "GET /api/governance/virtual-keys/:id": { kind: "ownedRead", req: (w) => ({ path: `/api/governance/virtual-keys/${w.vkA}` }) },
  "PUT /api/governance/virtual-keys/:id": { kind: "ownedWrite", req: (w) => ({ path: `/api/governance/virtual-keys/${w.vkA}`, body: {} }) },
  "DELETE /api/governance/virtual-keys/:id": { kind: "ownedWrite", req: async (w) => ({ path: `/api/governance/virtual-keys/${await freshVk(w)}` }) },
  "POST /api/governance/virtual-keys/:id/rotate": { kind: "ownedWrite", req: async (w) => ({ path: `/api/governance/virtual-keys/${await freshVk(w)}/rotate`, body: {} }) },
  "GET /api/governance/virtual-keys/quota": { kind: "virtualKey", req: (w) => ({ path: "/api/governance/virtual-keys/quota", headers: { "x-bf-vk": w.vkAValue } }) },
  "PUT /api/governance/virtual-keys/:vk_id/budgets/:budget_id/override": {
    kind: "ownedWrite",
    req: (w) => ({ path: `/api/governance/virtual-keys/${w.vkA}/budgets/${w.budgetA}/override`, body: { amount: 1, mode: "forever" } }),
  },
  "DELETE /api/governance/virtual-keys/:vk_id/budgets/:budget_id/override": {
    kind: "ownedWrite",
    req: (w) => ({ path: `/api/governance/virtual-keys/${w.vkA}/budgets/${w.budgetA}/override` }),
  },
  "GET /api/governance/budgets": { kind: "ownedList", req: () => ({ path: "/api/governance/budgets" }) },
  "GET /api/governance/rate-limits": { kind: "ownedList", req: () => ({ path: "/api/governance/rate-limits" }) },
  "GET /api/mcp/clients": { kind: "globalRead", req: () => ({ path: "/api/mcp/clients" }) },
  "POST /api/mcp/client": {
    kind: "adminOnly",
    req: () => ({ path: "/api/mcp/client", body: { name: unique("aclnew").replace(/-/g, "_"), connection_type: "http", connection_string: "https://t.example/m" } }),
  },
  "PUT /api/mcp/client/:name": { kind: "adminOnly", req: (w) => ({ path: `/api/mcp/client/${w.mcpClient}`, body: { tools_to_execute: ["*"] } }) },
  "DELETE /api/mcp/client/:name": { kind: "adminOnly", req: async () => ({ path: `/api/mcp/client/${await freshMcp()}` }) },
  "GET /api/governance/model-configs": { kind: "globalRead", req: () => ({ path: "/api/governance/model-configs" }) },
  "POST /api/governance/model-configs": { kind: "adminOnly", req: () => ({ path: "/api/governance/model-configs", body: { model_name: unique("acl-new") } }) },
  "GET /api/governance/model-configs/:id": { kind: "globalRead", req: (w) => ({ path: `/api/governance/model-configs/${w.modelConfig}` }) },
  "PUT /api/governance/model-configs/:id": { kind: "adminOnly", req: (w) => ({ path: `/api/governance/model-configs/${w.modelConfig}`, body: {} }) },
  "DELETE /api/governance/model-configs/:id": { kind: "adminOnly", req: async () => ({ path: `/api/governance/model-configs/${await freshModelConfig()}` }) },
  "GET /api/governance/providers": { kind: "globalRead", req: () => ({ path: "/api/governance/providers" }) },
  "PUT /api/governance/providers/:name": { kind: "adminOnly", req: (w) => ({ path: `/api/governance/providers/${w.provider}`, body: {} }) },
  "DELETE /api/governance/providers/:name": { kind: "adminOnly", req: async () => ({ path: `/api/governance/providers/${await freshProvider()}` }) },
  "GET /api/providers": { kind: "globalRead", req: () => ({ path: "/api/providers" }) },
  "POST /api/providers": { kind: "adminOnly", req: () => ({ path: "/api/providers", body: { provider: unique("aclnew").replace(/-/g, "_") } }) },
  "GET /api/providers/:provider": { kind: "globalRead", req: (w) => ({ path: `/api/providers/${w.provider}` }) },
  "DELETE /api/providers/:provider": { kind: "adminOnly", req: async () => ({ path: `/api/providers/${await freshProvider()}` }) },
  "GET /api/providers/:provider/keys": { kind: "globalRead", req: (w) => ({ path: `/api/providers/${w.provider}/keys` }) },
  "POST /api/providers/:provider/keys": { kind: "adminOnly", req: (w) => ({ path: `/api/providers/${w.provider}/keys`, body: { name: unique("k"), value: "sk-acl-new" } }) },
  "GET /api/providers/:provider/keys/:key_id": { kind: "globalRead", req: (w) => ({ path: `/api/providers/${w.provider}/keys/${w.providerKey}` }) },
  "PUT /api/providers/:provider/keys/:key_id": { kind: "adminOnly", req: (w) => ({ path: `/api/providers/${w.provider}/keys/${w.providerKey}`, body: { weight: 1 } }) },
  "DELETE /api/providers/:provider/keys/:key_id": { kind: "adminOnly", req: async (w) => ({ path: `/api/providers/${w.provider}/keys/${await freshProviderKey(w)}` }) },
  "POST /api/governance/check": { kind: "enforcement", req: (w) => ({ path: "/api/governance/check", body: { provider: "openai", model: "gpt-4o-mini" }, ...enforcementBody(w) }) },
  "POST /api/governance/usage": {
    kind: "enforcement",
    req: (w) => ({ path: "/api/governance/usage", body: { provider: "openai", model: "gpt-4o-mini", request_id: unique("acl-req"), cost: 0, tokens: 1 }, ...enforcementBody(w) }),
  },
  "GET /api/admin/keys": { kind: "adminOnly", req: () => ({ path: "/api/admin/keys" }) },
  "POST /api/admin/keys": { kind: "adminOnly", req: () => ({ path: "/api/admin/keys", body: { name: unique("acl-new"), role: "viewer" } }) },
  "GET /api/admin/keys/:id": { kind: "adminOnly", req: (w) => ({ path: `/api/admin/keys/${w.managementKey}` }) },
  "DELETE /api/admin/keys/:id": { kind: "adminOnly", req: async () => ({ path: `/api/admin/keys/${await freshManagementKey()}` }) },
  "GET /api/governance/audit-logs": { kind: "auditRead", req: () => ({ path: "/api/governance/audit-logs" }) },
  "GET /api/governance/export": { kind: "adminOnly", req: () => ({ path: "/api/governance/export" }) },
  "POST /api/governance/import": { kind: "adminOnly", req: () => ({ path: "/api/governance/import?dry_run=true", body: { governance: {} } }) },
  "GET /api/governance/pricing-overrides": { kind: "globalRead", req: () => ({ path: "/api/governance/pricing-overrides" }) },
  "POST /api/governance/pricing-overrides": { kind: "adminOnly", req: () => ({ path: "/api/governance/pricing-overrides", body: overrideBody() }) },
  "GET /api/governance/pricing-overrides/:id": { kind: "globalRead", req: async () => ({ path: `/api/governance/pricing-overrides/${await freshOverride()}` }) },
  "PUT /api/governance/pricing-overrides/:id": { kind: "adminOnly", req: async () => ({ path: `/api/governance/pricing-overrides/${await freshOverride()}`, body: overrideBody() }) },
  "PATCH /api/governance/pricing-overrides/:id": { kind: "adminOnly", req: async () => ({ path: `/api/governance/pricing-overrides/${await freshOverride()}`, body: { name: "acl2" } }) },
  "DELETE /api/governance/pricing-overrides/:id": { kind: "adminOnly", req: async () => ({ path: `/api/governance/pricing-overrides/${await freshOverride()}` }) },
  "GET /api/governance/model-prices": { kind: "globalRead", req: () => ({ path: "/api/governance/model-prices" }) },
  "PUT /api/governance/model-prices": {
    kind: "adminOnly",
    req: () => ({ path: "/api/governance/model-prices", body: { provider: "openai", model: unique("acl-m"), input_cost_per_token: 0.001, output_cost_per_token: 0.002 } }),
  },
  "DELETE /api/governance/model-prices": { kind: "adminOnly", req: async () => ({ path: `/api/governance/model-prices?provider=openai&model=${await freshPrice()}` }) },
};

/** The routes as the Hono app registered them (405 fallbacks are `ALL`; /health and /graphql are not REST routes). */
export function registeredRoutes(): string[] {
  const app = createHttpApp(config, createLogger("silent"));
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL" || !r.path.startsWith("/api/")) continue;
    seen.add(`${r.method} ${r.path}`);
  }
  return [...seen].sort();
}

type GqlEntry = { kind: Kind; args?: (w: World) => Promise<Record<string, unknown>> | Record<string, unknown> };

const input = (v: Record<string, unknown>) => ({ input: v });
/** One entry per root field (Query and Mutation); `args` overrides the generated dummy arguments. */
export const GRAPHQL: Record<string, GqlEntry> = {
  "Query.auditEvents": { kind: "auditRead" },
  "Query.customer": { kind: "ownedRead", args: (w) => ({ id: w.customerA }) },
  "Query.customers": { kind: "ownedList" },
  "Query.managementKeys": { kind: "adminOnly" },
  "Query.mcpClient": { kind: "globalRead", args: (w) => ({ name: w.mcpClient }) },
  "Query.mcpClients": { kind: "globalRead" },
  "Query.modelConfig": { kind: "globalRead", args: (w) => ({ id: w.modelConfig }) },
  "Query.modelConfigs": { kind: "globalRead" },
  "Query.node": { kind: "globalRead", args: (w) => ({ id: encodeGlobalID("Customer", w.customerA) }) },
  "Query.nodes": { kind: "globalRead", args: () => ({ ids: [] }) },
  "Query.provider": { kind: "globalRead", args: (w) => ({ name: w.provider }) },
  "Query.providers": { kind: "globalRead" },
  "Query.quota": { kind: "virtualKey", args: (w) => ({ virtualKey: w.vkAValue }) },
  "Query.team": { kind: "ownedRead", args: (w) => ({ id: w.teamA }) },
  "Query.teams": { kind: "ownedList" },
  "Query.virtualKey": { kind: "ownedRead", args: (w) => ({ id: w.vkA }) },
  "Query.virtualKeyByValue": { kind: "adminOnly", args: (w) => ({ value: w.vkAValue }) },
  "Query.virtualKeys": { kind: "ownedList" },
  "Mutation.checkAccess": { kind: "enforcement", args: (w) => ({ virtualKey: w.vkAValue, input: { provider: "openai", model: "gpt-4o-mini" } }) },
  "Mutation.recordUsage": { kind: "enforcement", args: (w) => ({ virtualKey: w.vkAValue, input: { provider: "openai", model: "gpt-4o-mini", requestId: unique("acl-req"), cost: 0 } }) },
  "Mutation.createCustomer": { kind: "adminOnly", args: () => input({ name: unique("acl-g") }) },
  "Mutation.updateCustomer": { kind: "ownedWrite", args: (w) => ({ id: w.customerA, input: {} }) },
  "Mutation.deleteCustomer": { kind: "adminOnly", args: async () => ({ id: await freshCustomer() }) },
  "Mutation.createTeam": { kind: "ownedWrite", args: (w) => input({ name: unique("acl-g"), customerId: w.customerA }) },
  "Mutation.updateTeam": { kind: "ownedWrite", args: (w) => ({ id: w.teamA, input: {} }) },
  "Mutation.deleteTeam": { kind: "ownedWrite", args: async (w) => ({ id: await freshTeam(w) }) },
  "Mutation.createVirtualKey": { kind: "ownedReference", args: (w) => input({ name: unique("acl-g"), teamId: w.teamA }) },
  "Mutation.updateVirtualKey": { kind: "ownedWrite", args: (w) => ({ id: w.vkA, input: {} }) },
  "Mutation.deleteVirtualKey": { kind: "ownedWrite", args: async (w) => ({ id: await freshVk(w) }) },
  "Mutation.rotateVirtualKey": { kind: "ownedWrite", args: async (w) => ({ id: await freshVk(w) }) },
  "Mutation.setBudgetOverride": { kind: "ownedWrite", args: (w) => ({ budgetId: w.budgetA, virtualKeyId: w.vkA, input: { amount: 1, mode: "forever" } }) },
  "Mutation.clearBudgetOverride": { kind: "ownedWrite", args: (w) => ({ budgetId: w.budgetA, virtualKeyId: w.vkA }) },
  "Mutation.createMcpClient": {
    kind: "adminOnly",
    args: () => input({ name: unique("aclg").replace(/-/g, "_"), connectionType: "http", connectionString: "https://t.example/m" }),
  },
  "Mutation.updateMcpClient": { kind: "adminOnly", args: (w) => ({ name: w.mcpClient, input: { name: w.mcpClient, connectionType: "http", connectionString: "https://tools.example/mcp" } }) },
  "Mutation.deleteMcpClient": { kind: "adminOnly", args: async () => ({ name: await freshMcp() }) },
  "Mutation.createModelConfig": { kind: "adminOnly", args: () => input({ modelName: unique("acl-g") }) },
  "Mutation.updateModelConfig": { kind: "adminOnly", args: (w) => ({ id: w.modelConfig, input: {} }) },
  "Mutation.deleteModelConfig": { kind: "adminOnly", args: async () => ({ id: await freshModelConfig() }) },
  "Mutation.createProvider": { kind: "adminOnly", args: () => input({ provider: unique("aclg").replace(/-/g, "_") }) },
  "Mutation.deleteProvider": { kind: "adminOnly", args: async () => ({ name: await freshProvider() }) },
  "Mutation.updateProviderGovernance": { kind: "adminOnly", args: (w) => ({ name: w.provider, input: {} }) },
  "Mutation.deleteProviderGovernance": { kind: "adminOnly", args: (w) => ({ name: w.provider }) },
  "Mutation.createProviderKey": { kind: "adminOnly", args: (w) => ({ provider: w.provider, input: { name: unique("k"), value: "sk-acl-g" } }) },
  "Mutation.updateProviderKey": { kind: "adminOnly", args: (w) => ({ provider: w.provider, keyId: w.providerKey, input: { name: "k", value: "sk-acl-provider-secret" } }) },
  "Mutation.deleteProviderKey": { kind: "adminOnly", args: async (w) => ({ provider: w.provider, keyId: await freshProviderKey(w) }) },
  "Mutation.createManagementKey": { kind: "adminOnly", args: () => input({ name: unique("acl-g"), role: "viewer" }) },
  "Mutation.revokeManagementKey": { kind: "adminOnly", args: async () => ({ id: await freshManagementKey() }) },
  "Query.modelPrice": { kind: "globalRead", args: async () => ({ provider: "openai", model: await freshPrice() }) },
  "Query.pricingOverrides": { kind: "globalRead" },
  "Query.governanceExport": { kind: "adminOnly" },
  "Mutation.importGovernance": { kind: "adminOnly", args: () => ({ file: JSON.stringify({ governance: {} }), dryRun: true }) },
  "Mutation.setModelPrice": { kind: "adminOnly", args: () => input({ provider: "openai", model: unique("acl-m"), inputCostPerToken: 0.001, outputCostPerToken: 0.002 }) },
  "Mutation.deleteModelPrice": { kind: "adminOnly", args: async () => ({ provider: "openai", model: await freshPrice() }) },
  "Mutation.createPricingOverride": {
    kind: "adminOnly",
    args: () => input({ name: "acl", scopeKind: "provider", providerId: "openai", matchType: "exact", pattern: unique("acl-m"), requestTypes: ["chat_completion"], patch: { inputCostPerToken: 0.000001 } }),
  },
  "Mutation.updatePricingOverride": { kind: "adminOnly", args: async () => ({ id: await freshOverride(), input: { name: "acl3" } }) },
  "Mutation.deletePricingOverride": { kind: "adminOnly", args: async () => ({ id: await freshOverride() }) },
};

export function rootFields(): string[] {
  const fields: string[] = [];
  for (const type of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const name of Object.keys(type.getFields())) fields.push(`${type.name}.${name}`);
  }
  return fields.sort();
}

/** A value of the input type with every required field filled (strings "x", numbers 1, first enum value). */
function dummy(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummy(type.ofType);
  if (isListType(type)) return [];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (isInputObjectType(named)) {
    return Object.fromEntries(Object.values(named.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, dummy(f.type)]));
  }
  if (isScalarType(named)) return named.name === "Int" || named.name === "Float" ? 1 : named.name === "Boolean" ? false : named.name === "DateTime" ? new Date().toISOString() : "x";
  return null;
}

export function operation(key: string, args: Record<string, unknown>): { query: string; variables: Record<string, unknown> } {
  const [typeName, fieldName] = key.split(".") as [string, string];
  const field = (typeName === "Query" ? schema.getQueryType()! : schema.getMutationType()!).getFields()[fieldName]!;
  const variables: Record<string, unknown> = {};
  const decls: string[] = [];
  const uses: string[] = [];
  for (const a of field.args) {
    const value = a.name in args ? args[a.name] : isNonNullType(a.type) ? dummy(a.type) : undefined;
    if (value === undefined) continue;
    variables[a.name] = value;
    decls.push(`$${a.name}: ${a.type.toString()}`);
    uses.push(`${a.name}: $${a.name}`);
  }
  const named = getNamedType(field.type);
  const errorUnion = isUnionType(named) && named.getTypes().some((t) => t.getInterfaces().some((i) => i.name === "Error"));
  const selection = isScalarType(named) || isEnumType(named) ? "" : errorUnion ? "{ __typename ... on Error { code } }" : "{ __typename }";
  const op = typeName === "Query" ? "query" : "mutation";
  return {
    query: `${op}${decls.length ? `(${decls.join(", ")})` : ""} { result: ${fieldName}${uses.length ? `(${uses.join(", ")})` : ""} ${selection} }`,
    variables,
  };
}

export const gqlStatus = (body: any): Status => {
  const code = body?.errors?.[0]?.extensions?.code ?? body?.data?.result?.code;
  if (code === "UNAUTHENTICATED") return 401;
  if (code === "FORBIDDEN") return 403;
  if (code === "NOT_FOUND" || (body?.data && body.data.result === null && !body.errors)) return 404;
  if (code === "VALIDATION") return 400;
  return 200;
};

