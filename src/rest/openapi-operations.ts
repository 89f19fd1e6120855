/**
 * What the OpenAPI document (src/rest/openapi.ts) says about each REST route, keyed "METHOD /path" exactly as
 * the route is declared. A route without an entry here fails test/rest/openapi.test.ts: add one when adding a
 * route (summary, tag, the zod schema its service validates the body with, the golden example if any).
 */
import type { z } from "zod";
import { budgetOverrideSchema } from "../services/budget-overrides.js";
import { createCustomerSchema, updateCustomerSchema } from "../services/customers.js";
import { checkSchema } from "../services/enforcement.js";
import { createMcpClientSchema, updateMcpClientSchema } from "../services/mcp-clients.js";
import { createModelConfigSchema, updateModelConfigSchema } from "../services/model-configs.js";
import { updateProviderGovernanceSchema } from "../services/provider-governance.js";
import { createKeySchema, updateKeySchema } from "../services/provider-keys.js";
import { createProviderSchema } from "../services/providers.js";
import { pricingOverrideSchema } from "../services/pricing-overrides.js";
import { modelPriceSchema } from "../services/pricing.js";
import { createTeamSchema, updateTeamSchema } from "../services/teams.js";
import { usageSchema } from "../services/usage.js";
import { updateVirtualKeySchema } from "../services/virtual-key-updates.js";
import { createManagementKeySchema } from "../services/management-keys.js";
import { createVirtualKeySchema } from "../services/virtual-keys.js";

export interface OperationDoc {
  summary: string;
  tag: "Customers" | "Teams" | "Virtual keys" | "Limits" | "Providers" | "MCP" | "Model configs" | "Provider governance" | "Enforcement" | "Pricing" | "Governance file" | "Access";
  /** The schema the service validates the JSON body with (keys camelCase there; snake_case on the wire). */
  body?: z.ZodType;
  /** A request body example (wire format). */
  bodyExample?: Record<string, unknown>;
  /** limit/offset/search; `memory`: also from_memory=true. */
  list?: "plain" | "memory";
  /** Name of the golden response (test/fixtures/rest/<name>.json, copied to openapi-examples.ts). */
  example?: string;
  /** The caller presents a virtual key (x-bf-vk, Authorization: Bearer, x-api-key, …). */
  virtualKey?: boolean;
  /** Success answers 201 instead of 200 (upstream's pricing-override create). */
  created?: boolean;
  /** Statuses this route answers besides 200 and the common ones (400, 404, 405, 413, 415, 500). */
  errors?: number[];
}

export const operations: Record<string, OperationDoc> = {
  "GET /api/governance/customers": { summary: "List customers", tag: "Customers", list: "memory", example: "get-customers" },
  "POST /api/governance/customers": {
    summary: "Create a customer",
    tag: "Customers",
    body: createCustomerSchema,
    bodyExample: { name: "Acme", budget: { max_limit: 100, reset_duration: "1M" } },
    example: "post-customers",
  },
  "GET /api/governance/customers/:id": { summary: "Get a customer", tag: "Customers" },
  "PUT /api/governance/customers/:id": { summary: "Update a customer", tag: "Customers", body: updateCustomerSchema, example: "put-customers" },
  "DELETE /api/governance/customers/:id": { summary: "Delete a customer", tag: "Customers", example: "delete-customers" },
  "GET /api/governance/teams": { summary: "List teams", tag: "Teams", list: "memory", example: "get-teams" },
  "POST /api/governance/teams": {
    summary: "Create a team",
    tag: "Teams",
    body: createTeamSchema,
    bodyExample: { name: "Platform", customer_id: "3f2b8c1e-6a4d-4c2e-9b1a-100000000000", budget: { max_limit: 50, reset_duration: "1w" } },
    example: "post-teams",
  },
  "GET /api/governance/teams/:id": { summary: "Get a team", tag: "Teams" },
  "PUT /api/governance/teams/:id": { summary: "Update a team", tag: "Teams", body: updateTeamSchema, example: "put-teams" },
  "DELETE /api/governance/teams/:id": { summary: "Delete a team", tag: "Teams", example: "delete-teams" },
  "GET /api/governance/virtual-keys": { summary: "List virtual keys", tag: "Virtual keys", list: "plain" },
  "POST /api/governance/virtual-keys": {
    summary: "Create a virtual key (its value is returned once, here)",
    tag: "Virtual keys",
    body: createVirtualKeySchema,
    bodyExample: { name: "checkout-service", team_id: "3f2b8c1e-6a4d-4c2e-9b1a-100000000001", provider_configs: [{ provider: "openai", allowed_models: ["gpt-4o-mini"] }] },
    example: "post-virtual-keys",
  },
  "GET /api/governance/virtual-keys/:id": { summary: "Get a virtual key", tag: "Virtual keys" },
  "PUT /api/governance/virtual-keys/:id": { summary: "Update a virtual key", tag: "Virtual keys", body: updateVirtualKeySchema, example: "put-virtual-keys" },
  "DELETE /api/governance/virtual-keys/:id": { summary: "Delete a virtual key", tag: "Virtual keys", example: "delete-virtual-keys" },
  "POST /api/governance/virtual-keys/:id/rotate": { summary: "Rotate a virtual key's value", tag: "Virtual keys", example: "post-virtual-keys-rotate" },
  "GET /api/governance/virtual-keys/quota": { summary: "The presented virtual key's own budgets and rate limits", tag: "Enforcement", virtualKey: true, errors: [401] },
  "PUT /api/governance/virtual-keys/:vk_id/budgets/:budget_id/override": { summary: "Override a budget's limit for one virtual key", tag: "Limits", body: budgetOverrideSchema, example: "put-budget-override" },
  "DELETE /api/governance/virtual-keys/:vk_id/budgets/:budget_id/override": { summary: "Remove a budget override", tag: "Limits" },
  "GET /api/governance/budgets": { summary: "List budgets", tag: "Limits", list: "memory" },
  "GET /api/governance/rate-limits": { summary: "List rate limits", tag: "Limits", list: "memory" },
  "GET /api/providers": { summary: "List providers", tag: "Providers" },
  "POST /api/providers": { summary: "Add a provider", tag: "Providers", body: createProviderSchema, bodyExample: { provider: "openai" }, example: "post-providers" },
  "GET /api/providers/:provider": { summary: "Get a provider", tag: "Providers" },
  "DELETE /api/providers/:provider": { summary: "Delete a provider and its keys", tag: "Providers" },
  "GET /api/providers/:provider/keys": { summary: "List a provider's keys (values redacted)", tag: "Providers" },
  "POST /api/providers/:provider/keys": { summary: "Add a provider key", tag: "Providers", body: createKeySchema, example: "post-provider-keys" },
  "GET /api/providers/:provider/keys/:key_id": { summary: "Get a provider key (value redacted)", tag: "Providers" },
  "PUT /api/providers/:provider/keys/:key_id": { summary: "Update a provider key", tag: "Providers", body: updateKeySchema },
  "DELETE /api/providers/:provider/keys/:key_id": { summary: "Delete a provider key", tag: "Providers" },
  "GET /api/mcp/clients": { summary: "List MCP clients", tag: "MCP", list: "plain" },
  "POST /api/mcp/client": { summary: "Add an MCP client", tag: "MCP", body: createMcpClientSchema, example: "post-mcp-client" },
  "PUT /api/mcp/client/:name": { summary: "Update an MCP client", tag: "MCP", body: updateMcpClientSchema },
  "DELETE /api/mcp/client/:name": { summary: "Delete an MCP client", tag: "MCP" },
  "GET /api/governance/model-configs": { summary: "List model configs", tag: "Model configs", list: "plain" },
  "POST /api/governance/model-configs": { summary: "Create a model config", tag: "Model configs", body: createModelConfigSchema, example: "post-model-configs", errors: [409] },
  "GET /api/governance/model-configs/:id": { summary: "Get a model config", tag: "Model configs" },
  "PUT /api/governance/model-configs/:id": { summary: "Update a model config", tag: "Model configs", body: updateModelConfigSchema, example: "put-model-configs", errors: [409] },
  "DELETE /api/governance/model-configs/:id": { summary: "Delete a model config", tag: "Model configs" },
  "GET /api/governance/providers": { summary: "Provider-level governance (budgets, rate limits) of every provider", tag: "Provider governance" },
  "PUT /api/governance/providers/:name": { summary: "Set a provider's budgets and rate limit", tag: "Provider governance", body: updateProviderGovernanceSchema, example: "put-provider-governance" },
  "DELETE /api/governance/providers/:name": { summary: "Remove a provider's governance", tag: "Provider governance" },
  "GET /api/governance/pricing-overrides": { summary: "List pricing overrides (filters scope_kind, virtual_key_id, provider_id, provider_key_id)", tag: "Pricing" },
  "POST /api/governance/pricing-overrides": {
    summary: "Create a pricing override (answers 201, as upstream)",
    tag: "Pricing",
    body: pricingOverrideSchema,
    bodyExample: { name: "cheaper gpt-4o", scope_kind: "provider", provider_id: "openai", match_type: "wildcard", pattern: "gpt-4o*", patch: { input_cost_per_token: 0.000002 } },
    created: true,
  },
  "GET /api/governance/pricing-overrides/:id": { summary: "Get a pricing override", tag: "Pricing" },
  "PUT /api/governance/pricing-overrides/:id": { summary: "Replace a pricing override", tag: "Pricing", body: pricingOverrideSchema },
  "PATCH /api/governance/pricing-overrides/:id": { summary: "Change fields of a pricing override", tag: "Pricing", body: pricingOverrideSchema },
  "DELETE /api/governance/pricing-overrides/:id": { summary: "Delete a pricing override", tag: "Pricing" },
  "GET /api/governance/model-prices": { summary: "Edited catalog prices, or (provider & model given) the price that applies", tag: "Pricing" },
  "PUT /api/governance/model-prices": {
    summary: "Set a catalog price (USD per token)",
    tag: "Pricing",
    body: modelPriceSchema,
    bodyExample: { provider: "openai", model: "gpt-4o", input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 },
  },
  "DELETE /api/governance/model-prices": { summary: "Remove a catalog edit (the default price applies again)", tag: "Pricing" },
  "GET /api/governance/export": { summary: "Export the governance section of Bifrost's config.json (admin)", tag: "Governance file", errors: [403] },
  "POST /api/governance/import": {
    summary: "Import a config.json governance section: upsert by id in one transaction, live usage kept; ?dry_run=true reports only (admin)",
    tag: "Governance file",
    bodyExample: { governance: { budgets: [{ id: "3f2b8c1e-6a4d-4c2e-9b1a-000000000001", max_limit: 100, reset_duration: "1M" }], customers: [{ id: "3f2b8c1e-6a4d-4c2e-9b1a-000000000002", name: "Acme", budget_id: "3f2b8c1e-6a4d-4c2e-9b1a-000000000001" }] } },
    errors: [403],
  },
  "POST /api/governance/check": {
    summary: "Pre-request check: allow (and reserve) or deny with Bifrost's decision type",
    tag: "Enforcement",
    body: checkSchema,
    bodyExample: { provider: "openai", model: "gpt-4o-mini", estimated_tokens: 1200, estimated_cost: 0.002, request_id: "req-42" },
    virtualKey: true,
    errors: [401, 402, 403, 429, 503],
  },
  "POST /api/governance/usage": {
    summary: "Record a request's actual cost and tokens (idempotent per request_id)",
    tag: "Enforcement",
    body: usageSchema,
    bodyExample: { provider: "openai", model: "gpt-4o-mini", request_id: "req-42", cost: 0.0018, tokens: 1100 },
    virtualKey: true,
    errors: [401, 402, 403, 429, 503],
  },
  "GET /api/admin/keys": { summary: "List management keys (admin)", tag: "Access", list: "plain" },
  "POST /api/admin/keys": {
    summary: "Create a management key; its value is in this response only (admin)",
    tag: "Access",
    body: createManagementKeySchema,
    bodyExample: { name: "ops dashboard", role: "viewer" },
  },
  "GET /api/admin/keys/:id": { summary: "Get a management key (admin)", tag: "Access" },
  "DELETE /api/admin/keys/:id": { summary: "Revoke a management key (admin)", tag: "Access" },
  "GET /api/governance/audit-logs": { summary: "The audit log, newest first (entity_type, entity_id, principal_id, action, from, to)", tag: "Access", list: "plain" },
};
