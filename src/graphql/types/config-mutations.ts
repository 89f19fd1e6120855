import type { Budget as BudgetRow } from "../../generated/prisma/client.js";
import { clearBudgetOverride, setBudgetOverride } from "../../services/budget-overrides.js";
import { createMcpClient, deleteMcpClient, updateMcpClient, type McpClientRow } from "../../services/mcp-clients.js";
import { createModelConfig, deleteModelConfig, updateModelConfig, type ModelConfigRow } from "../../services/model-configs.js";
import { builder } from "../builder.js";
import { entityId } from "../ids.js";
import { mutationErrors } from "../errors.js";
import { patchInput, withoutNulls } from "../inputs.js";
import { Budget, BudgetInput, BudgetPatchInput } from "./budget.js";
import { DeletedPayload } from "./deleted.js";
import { McpClient } from "./mcp-config.js";
import { ModelConfig } from "./provider.js";
import { RateLimitInput } from "./rate-limit.js";

const errors = (name: string) => ({ types: mutationErrors, directResult: true as const, union: { name } });

// --- MCP clients -------------------------------------------------------------------------------
const StdioConfigInput = builder.inputType("StdioConfigInput", {
  fields: (t) => ({ command: t.string({ required: true }), args: t.stringList(), envs: t.stringList({ description: "Env var names passed through." }) }),
});
const HeaderInput = builder.inputType("HeaderInput", {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true, description: "A secret or an env.NAME reference; never returned." }) }),
});
const McpClientInput = builder.inputType("McpClientInput", {
  description:
    "Create: name and connectionType (http, sse: connectionString; stdio: stdioConfig) are required. Update: name (rename), headers " +
    "(replace the map) and toolsToExecute; the connection cannot change.",
  fields: (t) => ({
    name: t.string(),
    connectionType: t.string(),
    connectionString: t.string(),
    stdioConfig: t.field({ type: StdioConfigInput }),
    headers: t.field({ type: [HeaderInput] }),
    toolsToExecute: t.stringList({ description: 'Defaults to ["*"].' }),
  }),
});
const clientInput = <T extends { headers?: { name: string; value: string }[] | null }>(input: T) =>
  input.headers ? { ...input, headers: Object.fromEntries(input.headers.map((h) => [h.name, h.value])) } : input;

const McpClientPayload = builder.objectRef<McpClientRow>("McpClientPayload").implement({
  fields: (t) => ({ mcpClient: t.field({ type: McpClient, resolve: (row) => row }) }),
});

// --- Model configs -----------------------------------------------------------------------------
const CreateModelConfigInput = builder.inputType("CreateModelConfigInput", {
  fields: (t) => ({
    modelName: t.string({ required: true }),
    provider: t.string({ description: "Omitted or null: every provider." }),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});
const UpdateModelConfigInput = builder.inputType("UpdateModelConfigInput", {
  description: "Omitted fields keep their value; `provider: null` makes it global. The rate limit is replaced as a whole.",
  fields: (t) => ({
    modelName: t.string(),
    provider: t.string(),
    budget: t.field({ type: BudgetPatchInput }),
    budgets: t.field({ type: [BudgetPatchInput] }),
    resetBudgetUsage: t.boolean(),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});
const ModelConfigPayload = builder.objectRef<ModelConfigRow>("ModelConfigPayload").implement({
  fields: (t) => ({ modelConfig: t.field({ type: ModelConfig, resolve: (row) => row }) }),
});

// --- Budget overrides --------------------------------------------------------------------------
const BudgetOverrideMode = builder.enumType("BudgetOverrideMode", { values: { cycles: { value: "cycles" }, forever: { value: "forever" } } });
const BudgetOverrideInput = builder.inputType("BudgetOverrideInput", {
  fields: (t) => ({
    amount: t.float({ required: true, description: "Extra USD per window (> 0)." }),
    mode: t.field({ type: BudgetOverrideMode, required: true }),
    cycles: t.int({ description: "Windows the override lasts (mode cycles only)." }),
  }),
});
const BudgetPayload = builder.objectRef<BudgetRow>("BudgetPayload").implement({
  fields: (t) => ({ budget: t.field({ type: Budget, resolve: (row) => row }) }),
});

builder.mutationFields((t) => ({
  createMcpClient: t.field({
    authScopes: { can: "create:mcpClient" },
    type: McpClientPayload,
    args: { input: t.arg({ type: McpClientInput, required: true }) },
    errors: errors("CreateMcpClientResult"),
    resolve: (_root, { input }, ctx) => createMcpClient(ctx, clientInput(withoutNulls(input))),
  }),
  updateMcpClient: t.field({
    authScopes: { can: "update:mcpClient" },
    type: McpClientPayload,
    args: { name: t.arg.string({ required: true }), input: t.arg({ type: McpClientInput, required: true }) },
    errors: errors("UpdateMcpClientResult"),
    resolve: (_root, { name, input }, ctx) => updateMcpClient(ctx, name, clientInput(patchInput(input))),
  }),
  deleteMcpClient: t.field({
    authScopes: { can: "delete:mcpClient" },
    type: DeletedPayload,
    description: "Deletes the client and the keys' MCP configs that use it.",
    args: { name: t.arg.string({ required: true }) },
    errors: errors("DeleteMcpClientResult"),
    resolve: async (_root, { name }, ctx) => {
      await deleteMcpClient(ctx, name);
      return { typename: null, id: name };
    },
  }),
  createModelConfig: t.field({
    authScopes: { can: "create:modelConfig" },
    type: ModelConfigPayload,
    args: { input: t.arg({ type: CreateModelConfigInput, required: true }) },
    errors: errors("CreateModelConfigResult"),
    resolve: (_root, { input }, ctx) => createModelConfig(ctx, withoutNulls(input)),
  }),
  updateModelConfig: t.field({
    authScopes: { can: "update:modelConfig" },
    type: ModelConfigPayload,
    args: { id: t.arg.string({ required: true }), input: t.arg({ type: UpdateModelConfigInput, required: true }) },
    errors: errors("UpdateModelConfigResult"),
    resolve: (_root, { id, input }, ctx) => updateModelConfig(ctx, entityId(id, "ModelConfig"), patchInput(input)),
  }),
  deleteModelConfig: t.field({
    authScopes: { can: "delete:modelConfig" },
    type: DeletedPayload,
    args: { id: t.arg.string({ required: true }) },
    errors: errors("DeleteModelConfigResult"),
    resolve: async (_root, { id }, ctx) => {
      await deleteModelConfig(ctx, entityId(id, "ModelConfig"));
      return { typename: "ModelConfig", id };
    },
  }),
  setBudgetOverride: t.field({
    authScopes: { can: "update:virtualKey" },
    type: BudgetPayload,
    description: "Temporary extra headroom on a budget of the key (its own or one of its provider configs').",
    args: { virtualKeyId: t.arg.string({ required: true }), budgetId: t.arg.string({ required: true }), input: t.arg({ type: BudgetOverrideInput, required: true }) },
    errors: errors("SetBudgetOverrideResult"),
    resolve: (_root, { virtualKeyId, budgetId, input }, ctx) => setBudgetOverride(ctx, entityId(virtualKeyId, "VirtualKey"), budgetId, withoutNulls(input)),
  }),
  clearBudgetOverride: t.field({
    authScopes: { can: "update:virtualKey" },
    type: BudgetPayload,
    args: { virtualKeyId: t.arg.string({ required: true }), budgetId: t.arg.string({ required: true }) },
    errors: errors("ClearBudgetOverrideResult"),
    resolve: (_root, { virtualKeyId, budgetId }, ctx) => clearBudgetOverride(ctx, entityId(virtualKeyId, "VirtualKey"), budgetId),
  }),
}));
