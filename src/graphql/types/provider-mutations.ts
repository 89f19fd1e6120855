import type { ProviderKey as ProviderKeyRow } from "../../generated/prisma/client.js";
import { createProviderKey, deleteProviderKey, updateProviderKey } from "../../services/provider-keys.js";
import { deleteProviderGovernance, updateProviderGovernance } from "../../services/provider-governance.js";
import { createProvider, deleteProvider, getProvider, type ProviderRow } from "../../services/providers.js";
import { builder } from "../builder.js";
import { mutationErrors } from "../errors.js";
import { patchInput, withoutNulls } from "../inputs.js";
import { BudgetPatchInput } from "./budget.js";
import { DeletedPayload } from "./deleted.js";
import { ProviderKey } from "./provider-config.js";
import { Provider } from "./provider.js";
import { RateLimitInput } from "./rate-limit.js";

const Entry = builder.inputType("KeyValueInput", { fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }) });
type Entries = { key: string; value: string }[] | null | undefined;
const toMap = (list: Entries) => (list ? Object.fromEntries(list.map((e) => [e.key, e.value])) : list);

const secret = { description: "A secret or an env.NAME reference; never returned." };
const AzureKeyConfigInput = builder.inputType("AzureKeyConfigInput", {
  fields: (t) => ({
    endpoint: t.string({ required: true }),
    apiVersion: t.string(),
    deployments: t.field({ type: [Entry], description: "model → deployment name" }),
    clientId: t.string(secret),
    clientSecret: t.string(secret),
    tenantId: t.string(secret),
  }),
});
const VertexKeyConfigInput = builder.inputType("VertexKeyConfigInput", {
  fields: (t) => ({
    projectId: t.string({ required: true }),
    projectNumber: t.string(),
    region: t.string({ required: true }),
    deployments: t.field({ type: [Entry] }),
    authCredentials: t.string(secret),
  }),
});
const BedrockKeyConfigInput = builder.inputType("BedrockKeyConfigInput", {
  fields: (t) => ({
    region: t.string(),
    arn: t.string(),
    roleArn: t.string(),
    deployments: t.field({ type: [Entry] }),
    accessKey: t.string(secret),
    secretKey: t.string(secret),
    sessionToken: t.string(secret),
  }),
});

const ProviderKeyInput = builder.inputType("ProviderKeyInput", {
  description: "Create: name and value are required. Update: omitted fields keep their value (an omitted value keeps the secret); a config set to null is removed.",
  fields: (t) => ({
    name: t.string(),
    value: t.string(secret),
    models: t.stringList(),
    weight: t.float(),
    enabled: t.boolean(),
    useForBatchApi: t.boolean(),
    azureKeyConfig: t.field({ type: AzureKeyConfigInput }),
    vertexKeyConfig: t.field({ type: VertexKeyConfigInput }),
    bedrockKeyConfig: t.field({ type: BedrockKeyConfigInput }),
  }),
});

/** GraphQL lists of {key, value} become the services' maps. */
function keyInput<T extends Record<string, unknown>>(input: T): T {
  const out: Record<string, unknown> = { ...input };
  for (const kind of ["azureKeyConfig", "vertexKeyConfig", "bedrockKeyConfig"]) {
    const config = out[kind] as { deployments?: Entries } | null | undefined;
    if (config?.deployments !== undefined) out[kind] = { ...config, deployments: toMap(config.deployments) };
  }
  return out as T;
}

const ProviderGovernanceInput = builder.inputType("ProviderGovernanceInput", {
  description: "Provider-level budgets (VK budget rules) and rate limit (replaced as a whole).",
  fields: (t) => ({
    budget: t.field({ type: BudgetPatchInput }),
    budgets: t.field({ type: [BudgetPatchInput] }),
    resetBudgetUsage: t.boolean(),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const CreateProviderInput = builder.inputType("CreateProviderInput", {
  fields: (t) => ({ provider: t.string({ required: true, description: "Provider name, e.g. openai." }) }),
});

const ProviderPayload = builder.objectRef<ProviderRow | Omit<ProviderRow, "keys">>("ProviderPayload").implement({
  fields: (t) => ({ provider: t.field({ type: Provider, resolve: (row) => row }) }),
});
const ProviderKeyPayload = builder.objectRef<ProviderKeyRow>("ProviderKeyPayload").implement({
  fields: (t) => ({ providerKey: t.field({ type: ProviderKey, resolve: (row) => row }) }),
});

const errors = (name: string) => ({ types: mutationErrors, directResult: true as const, union: { name } });
const providerArg = { required: true, description: "Provider name, e.g. openai." } as const;

builder.mutationFields((t) => ({
  createProvider: t.field({
    authScopes: { can: "create:provider" },
    type: ProviderPayload,
    args: { input: t.arg({ type: CreateProviderInput, required: true }) },
    errors: errors("CreateProviderResult"),
    resolve: (_root, { input }, ctx) => createProvider(ctx, withoutNulls(input)),
  }),
  deleteProvider: t.field({
    authScopes: { can: "delete:provider" },
    type: DeletedPayload,
    description: "Deletes the provider with its keys (unbinding them from provider configs) and its governance.",
    args: { name: t.arg.string(providerArg) },
    errors: errors("DeleteProviderResult"),
    resolve: async (_root, { name }, ctx) => {
      await deleteProvider(ctx, name);
      return { typename: null, id: name };
    },
  }),
  updateProviderGovernance: t.field({
    authScopes: { can: "update:providerGovernance" },
    type: ProviderPayload,
    args: { name: t.arg.string(providerArg), input: t.arg({ type: ProviderGovernanceInput, required: true }) },
    errors: errors("UpdateProviderGovernanceResult"),
    resolve: (_root, { name, input }, ctx) => updateProviderGovernance(ctx, name, patchInput(input)),
  }),
  deleteProviderGovernance: t.field({
    authScopes: { can: "delete:providerGovernance" },
    type: ProviderPayload,
    description: "Removes the provider's budgets and rate limit (the provider stays).",
    args: { name: t.arg.string(providerArg) },
    errors: errors("DeleteProviderGovernanceResult"),
    resolve: async (_root, { name }, ctx) => {
      await deleteProviderGovernance(ctx, name);
      return getProvider(ctx, name);
    },
  }),
  createProviderKey: t.field({
    authScopes: { can: "create:providerKey" },
    type: ProviderKeyPayload,
    args: { provider: t.arg.string(providerArg), input: t.arg({ type: ProviderKeyInput, required: true }) },
    errors: errors("CreateProviderKeyResult"),
    resolve: (_root, { provider, input }, ctx) => createProviderKey(ctx, provider, keyInput(withoutNulls(input))),
  }),
  updateProviderKey: t.field({
    authScopes: { can: "update:providerKey" },
    type: ProviderKeyPayload,
    args: { provider: t.arg.string(providerArg), keyId: t.arg.string({ required: true }), input: t.arg({ type: ProviderKeyInput, required: true }) },
    errors: errors("UpdateProviderKeyResult"),
    resolve: (_root, { provider, keyId, input }, ctx) => updateProviderKey(ctx, provider, keyId, keyInput(patchInput(input))),
  }),
  deleteProviderKey: t.field({
    authScopes: { can: "delete:providerKey" },
    type: DeletedPayload,
    args: { provider: t.arg.string(providerArg), keyId: t.arg.string({ required: true }) },
    errors: errors("DeleteProviderKeyResult"),
    resolve: async (_root, { provider, keyId }, ctx) => {
      await deleteProviderKey(ctx, provider, keyId);
      return { typename: null, id: keyId };
    },
  }),
}));
