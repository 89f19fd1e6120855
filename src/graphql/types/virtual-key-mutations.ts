import type { VirtualKeyRow } from "../../services/shapes.js";
import { deleteVirtualKey, rotateVirtualKey, updateVirtualKey } from "../../services/virtual-key-updates.js";
import { createVirtualKey, type CreatedVirtualKey } from "../../services/virtual-keys.js";
import { builder } from "../builder.js";
import { entityId, withEntityIds } from "../ids.js";
import { mutationErrors } from "../errors.js";
import { patchInput, withoutNulls } from "../inputs.js";
import { BudgetInput, BudgetPatchInput } from "./budget.js";
import { DeletedPayload } from "./deleted.js";
import { McpConfigInput } from "./mcp-config.js";
import { ProviderConfigInput } from "./provider-config.js";
import { RateLimitInput } from "./rate-limit.js";
import { VirtualKey } from "./virtual-key.js";

const CreateVirtualKeyInput = builder.inputType("CreateVirtualKeyInput", {
  description: "Attach the key to a team (`teamId`) or a customer (`customerId`), not both.",
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    teamId: t.string({ description: "Database UUID or relay id of the owning team." }),
    customerId: t.string({ description: "Database UUID or relay id of the owning customer." }),
    isActive: t.boolean(),
    calendarAligned: t.boolean(),
    allowAllProviders: t.boolean(),
    disableContentLogging: t.boolean({ description: "true/false decide; omitted or null: inherit (content is logged)." }),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
    providerConfigs: t.field({ type: [ProviderConfigInput] }),
    mcpConfigs: t.field({ type: [McpConfigInput] }),
  }),
});

const ProviderConfigPatchInput = builder.inputType("ProviderConfigPatchInput", {
  description: "With `id`: edits that provider config (omitted allow-lists are kept). Without: a new one.",
  fields: (t) => ({
    id: t.int({ description: "Id of one of this key's provider configs." }),
    provider: t.string({ required: true }),
    weight: t.float({ description: "Omitted or null: no weight." }),
    allowedModels: t.stringList(),
    blacklistedModels: t.stringList(),
    keyIds: t.stringList({ description: "Provider key UUIDs; [\"*\"] = every key." }),
    budget: t.field({ type: BudgetPatchInput }),
    budgets: t.field({ type: [BudgetPatchInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const McpConfigPatchInput = builder.inputType("McpConfigPatchInput", {
  description: "With `id`: edits that MCP config's tools. Without: a new one for `mcpClientName`.",
  fields: (t) => ({
    id: t.int(),
    mcpClientName: t.string(),
    toolsToExecute: t.stringList(),
  }),
});

const UpdateVirtualKeyInput = builder.inputType("UpdateVirtualKeyInput", {
  description:
    "Omitted fields keep their value. `teamId`/`customerId`: null or \"\" detaches, a value switches the owner (and clears the other). " +
    "`providerConfigs`/`mcpConfigs`, when given, are the full new lists (unlisted ones are deleted).",
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    teamId: t.string(),
    customerId: t.string(),
    isActive: t.boolean(),
    calendarAligned: t.boolean(),
    allowAllProviders: t.boolean(),
    disableContentLogging: t.boolean({ description: "Omitted: kept. null: inherit. true/false: decide." }),
    budget: t.field({ type: BudgetPatchInput }),
    budgets: t.field({ type: [BudgetPatchInput] }),
    resetBudgetUsage: t.boolean({ description: "Sets the usage of every budget of the key to 0 (windows are kept)." }),
    rateLimit: t.field({ type: RateLimitInput }),
    providerConfigs: t.field({ type: [ProviderConfigPatchInput] }),
    mcpConfigs: t.field({ type: [McpConfigPatchInput] }),
  }),
});

const valueField = { description: "The full key value. Shown only here, once; store it now." };

const CreateVirtualKeyPayload = builder.objectRef<CreatedVirtualKey>("CreateVirtualKeyPayload").implement({
  fields: (t) => ({
    virtualKey: t.field({ type: VirtualKey, resolve: (created) => created.key }),
    value: t.exposeString("value", valueField),
  }),
});

const RotateVirtualKeyPayload = builder.objectRef<CreatedVirtualKey>("RotateVirtualKeyPayload").implement({
  description: "The key with a new value; the old value stopped working.",
  fields: (t) => ({
    virtualKey: t.field({ type: VirtualKey, resolve: (created) => created.key }),
    value: t.exposeString("value", valueField),
  }),
});

const VirtualKeyPayload = builder.objectRef<VirtualKeyRow>("VirtualKeyPayload").implement({
  fields: (t) => ({ virtualKey: t.field({ type: VirtualKey, resolve: (row) => row }) }),
});

const idArg = { required: true, description: "Database UUID or relay id." } as const;

builder.mutationFields((t) => ({
  createVirtualKey: t.field({
    authScopes: { can: "create:virtualKey" },
    type: CreateVirtualKeyPayload,
    args: { input: t.arg({ type: CreateVirtualKeyInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateVirtualKeyResult" } },
    resolve: (_root, { input }, ctx) => createVirtualKey(ctx, withEntityIds(withoutNulls(input))),
  }),
  updateVirtualKey: t.field({
    authScopes: { can: "update:virtualKey" },
    type: VirtualKeyPayload,
    args: { id: t.arg.string(idArg), input: t.arg({ type: UpdateVirtualKeyInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "UpdateVirtualKeyResult" } },
    resolve: (_root, { id, input }, ctx) => updateVirtualKey(ctx, entityId(id, "VirtualKey"), withEntityIds(patchInput(input))),
  }),
  rotateVirtualKey: t.field({
    authScopes: { can: "update:virtualKey" },
    type: RotateVirtualKeyPayload,
    description: "Issues a new value for the key; the old one stops working at once.",
    args: { id: t.arg.string(idArg) },
    errors: { types: mutationErrors, directResult: true, union: { name: "RotateVirtualKeyResult" } },
    resolve: (_root, { id }, ctx) => rotateVirtualKey(ctx, entityId(id, "VirtualKey")),
  }),
  deleteVirtualKey: t.field({
    authScopes: { can: "delete:virtualKey" },
    type: DeletedPayload,
    description: "Deletes the key with its provider configs, MCP configs, budgets and rate limit.",
    args: { id: t.arg.string(idArg) },
    errors: { types: mutationErrors, directResult: true, union: { name: "DeleteVirtualKeyResult" } },
    resolve: async (_root, { id }, ctx) => {
      await deleteVirtualKey(ctx, entityId(id, "VirtualKey"));
      return { typename: "VirtualKey", id };
    },
  }),
}));
