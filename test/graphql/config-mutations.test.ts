/** Providers, provider governance, provider keys, MCP clients, model configs and budget overrides through GraphQL. */
import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { unique } from "../helpers/app.js";
import { execute, ok } from "../helpers/graphql.js";

const CreateProvider = graphql(/* GraphQL */ `
  mutation CfgCreateProvider($input: CreateProviderInput!) {
    createProvider(input: $input) { __typename ... on ProviderPayload { provider { name keys { name } } } ... on Error { message code } ... on ValidationError { fieldErrors { path } } }
  }
`);
const DeleteProvider = graphql(/* GraphQL */ `
  mutation CfgDeleteProvider($name: String!) { deleteProvider(name: $name) { __typename ... on DeletedPayload { deletedId deletedNodeId } ... on Error { message code } } }
`);
const Governance = graphql(/* GraphQL */ `
  mutation CfgGovernance($name: String!, $input: ProviderGovernanceInput!) {
    updateProviderGovernance(name: $name, input: $input) {
      __typename
      ... on ProviderPayload { provider { budget { maxLimit resetDuration ownerKind provider { name } } rateLimit { requestMaxLimit ownerKind } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path } }
    }
  }
`);
const ClearGovernance = graphql(/* GraphQL */ `
  mutation CfgClearGovernance($name: String!) {
    deleteProviderGovernance(name: $name) { __typename ... on ProviderPayload { provider { budgets { id } rateLimit { id } } } ... on Error { message code } }
  }
`);
const CreateKey = graphql(/* GraphQL */ `
  mutation CfgCreateKey($provider: String!, $input: ProviderKeyInput!) {
    createProviderKey(provider: $provider, input: $input) {
      __typename
      ... on ProviderKeyPayload { providerKey { keyId name models weight value { fromEnv envVar } configKind } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path } }
    }
  }
`);
const UpdateKey = graphql(/* GraphQL */ `
  mutation CfgUpdateKey($provider: String!, $keyId: String!, $input: ProviderKeyInput!) {
    updateProviderKey(provider: $provider, keyId: $keyId, input: $input) {
      __typename ... on ProviderKeyPayload { providerKey { name enabled value { fromEnv envVar } configKind } } ... on Error { message code }
    }
  }
`);
const DeleteKey = graphql(/* GraphQL */ `
  mutation CfgDeleteKey($provider: String!, $keyId: String!) {
    deleteProviderKey(provider: $provider, keyId: $keyId) { __typename ... on DeletedPayload { deletedId } ... on Error { message code } }
  }
`);
const CreateClient = graphql(/* GraphQL */ `
  mutation CfgCreateClient($input: McpClientInput!) {
    createMcpClient(input: $input) {
      __typename
      ... on McpClientPayload { mcpClient { name connectionType connectionString headerNames toolsToExecute stdioConfig { command } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path } }
    }
  }
`);
const UpdateClient = graphql(/* GraphQL */ `
  mutation CfgUpdateClient($name: String!, $input: McpClientInput!) {
    updateMcpClient(name: $name, input: $input) { __typename ... on McpClientPayload { mcpClient { name toolsToExecute } } ... on Error { message code } }
  }
`);
const DeleteClient = graphql(/* GraphQL */ `
  mutation CfgDeleteClient($name: String!) { deleteMcpClient(name: $name) { __typename ... on DeletedPayload { deletedId } ... on Error { message code } } }
`);
const CreateModel = graphql(/* GraphQL */ `
  mutation CfgCreateModel($input: CreateModelConfigInput!) {
    createModelConfig(input: $input) {
      __typename
      ... on ModelConfigPayload { modelConfig { uuid modelName provider budget { maxLimit } rateLimit { tokenMaxLimit } } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path } }
    }
  }
`);
const UpdateModel = graphql(/* GraphQL */ `
  mutation CfgUpdateModel($id: String!, $input: UpdateModelConfigInput!) {
    updateModelConfig(id: $id, input: $input) { __typename ... on ModelConfigPayload { modelConfig { modelName provider } } ... on Error { message code } }
  }
`);
const DeleteModel = graphql(/* GraphQL */ `
  mutation CfgDeleteModel($id: String!) { deleteModelConfig(id: $id) { __typename ... on DeletedPayload { deletedId } ... on Error { message code } } }
`);
const NewKeyWithBudget = graphql(/* GraphQL */ `
  mutation CfgNewVk($input: CreateVirtualKeyInput!) {
    createVirtualKey(input: $input) { __typename ... on CreateVirtualKeyPayload { virtualKey { uuid budgets { id } } } }
  }
`);
const SetOverride = graphql(/* GraphQL */ `
  mutation CfgSetOverride($vk: String!, $budget: String!, $input: BudgetOverrideInput!) {
    setBudgetOverride(virtualKeyId: $vk, budgetId: $budget, input: $input) {
      __typename
      ... on BudgetPayload { budget { overrideAmount overrideMode overrideCyclesRemaining effectiveLimit } }
      ... on Error { message code }
      ... on ValidationError { fieldErrors { path } }
    }
  }
`);
const ClearOverride = graphql(/* GraphQL */ `
  mutation CfgClearOverride($vk: String!, $budget: String!) {
    clearBudgetOverride(virtualKeyId: $vk, budgetId: $budget) { __typename ... on BudgetPayload { budget { overrideAmount effectiveLimit } } ... on Error { message code } }
  }
`);

const MISSING = "00000000-0000-4000-8000-000000000000";
const newProvider = async () => {
  const name = unique("gp");
  ok((await execute(CreateProvider, { input: { provider: name } })).data?.createProvider, "ProviderPayload");
  return name;
};

describe("providers and provider governance", () => {
  it("creates, rejects a duplicate and a bad name, sets and clears governance, deletes", async () => {
    const name = unique("gp");
    expect((await execute(CreateProvider, { input: { provider: name } })).data?.createProvider).toEqual({ __typename: "ProviderPayload", provider: { name, keys: [] } });
    expect((await execute(CreateProvider, { input: { provider: name } })).data?.createProvider).toEqual({ __typename: "ConflictError", message: `Provider ${name} already exists`, code: "CONFLICT" });
    expect((await execute(CreateProvider, { input: { provider: "no spaces" } })).data?.createProvider).toEqual({
      __typename: "ValidationError", message: "invalid provider name: no spaces", code: "VALIDATION", fieldErrors: [{ path: ["provider"] }],
    });
    const gov = await execute(Governance, { name, input: { budget: { maxLimit: 100, resetDuration: "1M" }, rateLimit: { requestMaxLimit: 50, requestResetDuration: "1m" } } });
    expect(ok(gov.data?.updateProviderGovernance, "ProviderPayload").provider).toEqual({
      budget: { maxLimit: 100, resetDuration: "1M", ownerKind: "PROVIDER", provider: { name } },
      rateLimit: { requestMaxLimit: 50, ownerKind: "PROVIDER" },
    });
    expect((await execute(Governance, { name, input: { budget: { maxLimit: -1 } } })).data?.updateProviderGovernance).toMatchObject({
      __typename: "ValidationError", code: "VALIDATION", fieldErrors: [{ path: ["budget", "maxLimit"] }],
    });
    expect((await execute(Governance, { name: unique("gp-missing"), input: {} })).data?.updateProviderGovernance).toEqual({ __typename: "NotFoundError", message: "Provider not found", code: "NOT_FOUND" });
    expect((await execute(ClearGovernance, { name })).data?.deleteProviderGovernance).toEqual({ __typename: "ProviderPayload", provider: { budgets: [], rateLimit: null } });
    expect((await execute(DeleteProvider, { name })).data?.deleteProvider).toEqual({ __typename: "DeletedPayload", deletedId: name, deletedNodeId: null });
    expect((await execute(DeleteProvider, { name })).data?.deleteProvider).toEqual({ __typename: "NotFoundError", message: "Provider not found", code: "NOT_FOUND" });
    expect((await execute(ClearGovernance, { name })).data?.deleteProviderGovernance).toEqual({ __typename: "NotFoundError", message: "Provider not found", code: "NOT_FOUND" });
  });
});

describe("provider keys", () => {
  it("never return a secret; env references show as references; every error is typed", async () => {
    const provider = await newProvider();
    const created = await execute(CreateKey, { provider, input: { name: "main", value: "sk-raw-secret", models: ["gpt-4o"], azureKeyConfig: { endpoint: "https://x.example", deployments: [{ key: "gpt-4o", value: "prod" }], clientSecret: "hush" } } });
    const key = ok(created.data?.createProviderKey, "ProviderKeyPayload").providerKey;
    expect(key).toEqual({ keyId: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "main", models: ["gpt-4o"], weight: 1, value: { fromEnv: false, envVar: null }, configKind: "AZURE" });
    expect(JSON.stringify(created)).not.toMatch(/sk-raw-secret|hush/);
    expect((await execute(CreateKey, { provider, input: { name: "main", value: "x" } })).data?.createProviderKey).toEqual({
      __typename: "ConflictError", code: "CONFLICT", message: "API key names must be unique within a provider. Choose a different name",
    });
    expect((await execute(CreateKey, { provider, input: { name: "other" } })).data?.createProviderKey).toEqual({
      __typename: "ValidationError", code: "VALIDATION", message: "Key value must not be empty", fieldErrors: [{ path: ["value"] }],
    });
    expect((await execute(CreateKey, { provider: unique("gp-missing"), input: { name: "k", value: "v" } })).data?.createProviderKey).toEqual({ __typename: "NotFoundError", message: "Provider not found", code: "NOT_FOUND" });

    const updated = await execute(UpdateKey, { provider, keyId: key.keyId, input: { value: "env.OPENAI_API_KEY", enabled: false, azureKeyConfig: null } });
    expect(updated.data?.updateProviderKey).toEqual({
      __typename: "ProviderKeyPayload", providerKey: { name: "main", enabled: false, value: { fromEnv: true, envVar: "env.OPENAI_API_KEY" }, configKind: null },
    });
    expect((await execute(UpdateKey, { provider, keyId: MISSING, input: {} })).data?.updateProviderKey).toEqual({ __typename: "NotFoundError", message: "Provider key not found", code: "NOT_FOUND" });
    expect((await execute(DeleteKey, { provider, keyId: key.keyId })).data?.deleteProviderKey).toEqual({ __typename: "DeletedPayload", deletedId: key.keyId });
    expect((await execute(DeleteKey, { provider, keyId: key.keyId })).data?.deleteProviderKey).toEqual({ __typename: "NotFoundError", message: "Provider key not found", code: "NOT_FOUND" });
  });
});

describe("MCP clients", () => {
  it("create (headers by name only), rename, immutable connection, delete, with typed errors", async () => {
    const name = unique("mcp").replace(/-/g, "_");
    const created = await execute(CreateClient, {
      input: { name, connectionType: "http", connectionString: "https://tools.example/mcp", headers: [{ name: "Authorization", value: "Bearer hidden" }] },
    });
    expect(created.data?.createMcpClient).toEqual({
      __typename: "McpClientPayload",
      mcpClient: { name, connectionType: "http", connectionString: "https://tools.example/mcp", headerNames: ["Authorization"], toolsToExecute: ["*"], stdioConfig: null },
    });
    expect(JSON.stringify(created)).not.toContain("hidden");
    expect((await execute(CreateClient, { input: { name, connectionType: "http", connectionString: "https://tools.example/mcp" } })).data?.createMcpClient).toEqual({
      __typename: "ConflictError", code: "CONFLICT", message: "a record with this name already exists. Please use a different value",
    });
    expect((await execute(CreateClient, { input: { name: "has-hyphen", connectionType: "http", connectionString: "https://tools.example/mcp" } })).data?.createMcpClient).toEqual({
      __typename: "ValidationError", code: "VALIDATION", message: "Invalid client name: name cannot contain hyphens", fieldErrors: [{ path: ["name"] }],
    });
    const renamed = `${name}_v2`;
    expect((await execute(UpdateClient, { name, input: { name: renamed, toolsToExecute: ["search"] } })).data?.updateMcpClient).toEqual({
      __typename: "McpClientPayload", mcpClient: { name: renamed, toolsToExecute: ["search"] },
    });
    expect((await execute(UpdateClient, { name: renamed, input: { connectionType: "sse" } })).data?.updateMcpClient).toEqual({
      __typename: "ValidationError", code: "VALIDATION", message: "connection_type cannot be changed for an existing MCP client",
    });
    expect((await execute(DeleteClient, { name: renamed })).data?.deleteMcpClient).toEqual({ __typename: "DeletedPayload", deletedId: renamed });
    expect((await execute(DeleteClient, { name: renamed })).data?.deleteMcpClient).toEqual({ __typename: "NotFoundError", message: "MCP client not found", code: "NOT_FOUND" });
  });
});

describe("model configs", () => {
  it("create, 409-style conflict on the (model, provider) pair, update to global, delete", async () => {
    const model = unique("gpt-test");
    const created = ok((await execute(CreateModel, { input: { modelName: model, provider: "openai", budget: { maxLimit: 5, resetDuration: "1d" }, rateLimit: { tokenMaxLimit: 10, tokenResetDuration: "1h" } } })).data?.createModelConfig, "ModelConfigPayload").modelConfig;
    expect(created).toMatchObject({ modelName: model, provider: "openai", budget: { maxLimit: 5 }, rateLimit: { tokenMaxLimit: 10 } });
    expect((await execute(CreateModel, { input: { modelName: model, provider: "openai" } })).data?.createModelConfig).toEqual({
      __typename: "ConflictError", code: "CONFLICT", message: `Model config for model '${model}' with provider 'openai' already exists`,
    });
    expect((await execute(CreateModel, { input: { modelName: " " } })).data?.createModelConfig).toEqual({
      __typename: "ValidationError", code: "VALIDATION", message: "Model name is required", fieldErrors: [{ path: ["modelName"] }],
    });
    expect((await execute(UpdateModel, { id: created.uuid, input: { provider: null } })).data?.updateModelConfig).toEqual({ __typename: "ModelConfigPayload", modelConfig: { modelName: model, provider: null } });
    expect((await execute(UpdateModel, { id: MISSING, input: {} })).data?.updateModelConfig).toEqual({ __typename: "NotFoundError", message: "Model config not found", code: "NOT_FOUND" });
    expect((await execute(DeleteModel, { id: created.uuid })).data?.deleteModelConfig).toEqual({ __typename: "DeletedPayload", deletedId: created.uuid });
    expect((await execute(DeleteModel, { id: created.uuid })).data?.deleteModelConfig).toEqual({ __typename: "NotFoundError", message: "Model config not found", code: "NOT_FOUND" });
  });
});

describe("budget overrides", () => {
  it("set (effective limit grows), reject bad input and foreign budgets, clear", async () => {
    const vk = ok((await execute(NewKeyWithBudget, { input: { name: unique("ovr-vk"), budget: { maxLimit: 10, resetDuration: "1d" } } })).data?.createVirtualKey, "CreateVirtualKeyPayload").virtualKey;
    const budget = vk.budgets[0]!.id;
    expect((await execute(SetOverride, { vk: vk.uuid, budget, input: { amount: 5, mode: "cycles", cycles: 2 } })).data?.setBudgetOverride).toEqual({
      __typename: "BudgetPayload", budget: { overrideAmount: 5, overrideMode: "cycles", overrideCyclesRemaining: 2, effectiveLimit: 15 },
    });
    expect((await execute(SetOverride, { vk: vk.uuid, budget, input: { amount: 0, mode: "forever" } })).data?.setBudgetOverride).toEqual({
      __typename: "ValidationError", code: "VALIDATION", message: "override amount must be greater than 0: 0", fieldErrors: [{ path: ["amount"] }],
    });
    expect((await execute(SetOverride, { vk: vk.uuid, budget: MISSING, input: { amount: 1, mode: "forever" } })).data?.setBudgetOverride).toEqual({
      __typename: "NotFoundError", message: "Budget not found", code: "NOT_FOUND",
    });
    expect((await execute(ClearOverride, { vk: vk.uuid, budget })).data?.clearBudgetOverride).toEqual({ __typename: "BudgetPayload", budget: { overrideAmount: null, effectiveLimit: 10 } });
    expect((await execute(ClearOverride, { vk: MISSING, budget })).data?.clearBudgetOverride).toEqual({ __typename: "NotFoundError", message: "Virtual key not found", code: "NOT_FOUND" });
  });
});
