/** Prices over GraphQL, on the same services as REST: the catalog (`modelPrice`, `setModelPrice`, `deleteModelPrice`) and pricing overrides. */
import type { PricingOverride as PricingOverrideRow } from "../../generated/prisma/client.js";
import { PATCH_FIELDS, createPricingOverride, deletePricingOverride, listPricingOverrides, updatePricingOverride } from "../../services/pricing-overrides.js";
import { deleteModelPrice, getModelPrice, setModelPrice, type ModelPriceView } from "../../services/pricing.js";
import { builder } from "../builder.js";
import { mutationErrors } from "../errors.js";
import { patchInput, withoutNulls } from "../inputs.js";
import { DeletedPayload } from "./deleted.js";

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const ModelPrice = builder.objectRef<ModelPriceView>("ModelPrice").implement({
  description: "USD per token for a (provider, model): an edited catalog row, or the shipped default table.",
  fields: (t) => ({
    provider: t.exposeString("provider"),
    model: t.exposeString("model"),
    inputCostPerToken: t.exposeFloat("inputCostPerToken"),
    outputCostPerToken: t.exposeFloat("outputCostPerToken"),
    cachedInputCostPerToken: t.exposeFloat("cachedInputCostPerToken", { nullable: true }),
    source: t.exposeString("source", { description: '"catalog" (edited) or "default" (@pydantic/genai-prices).' }),
  }),
});

const PricePatch = builder.objectRef<Record<string, number>>("PricePatch").implement({
  description: "The price fields an override sets (USD); unset fields are null.",
  fields: (t) => Object.fromEntries(PATCH_FIELDS.map((f) => [camel(f), t.float({ nullable: true, resolve: (p) => p[f] ?? null })])),
});

const PricingOverride = builder.objectRef<PricingOverrideRow>("PricingOverride").implement({
  fields: (t) => ({
    id: t.exposeString("id"),
    name: t.exposeString("name"),
    scopeKind: t.exposeString("scopeKind"),
    virtualKeyId: t.exposeString("virtualKeyId", { nullable: true }),
    providerId: t.exposeString("providerId", { nullable: true }),
    providerKeyId: t.exposeString("providerKeyId", { nullable: true }),
    matchType: t.exposeString("matchType"),
    pattern: t.exposeString("pattern"),
    requestTypes: t.exposeStringList("requestTypes"),
    patch: t.field({ type: PricePatch, resolve: (o) => o.patch as Record<string, number> }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const PricePatchInput = builder.inputType("PricePatchInput", {
  fields: (t) => Object.fromEntries(PATCH_FIELDS.map((f) => [camel(f), t.float()])),
});

const PricingOverrideInput = builder.inputType("PricingOverrideInput", {
  description: "As upstream: scopeKind global | provider | provider_key | virtual_key | virtual_key_provider | virtual_key_provider_key; matchType exact | wildcard.",
  fields: (t) => ({
    name: t.string(),
    scopeKind: t.string(),
    virtualKeyId: t.string(),
    providerId: t.string(),
    providerKeyId: t.string(),
    matchType: t.string(),
    pattern: t.string(),
    requestTypes: t.stringList(),
    patch: t.field({ type: PricePatchInput }),
  }),
});

const ModelPriceInput = builder.inputType("ModelPriceInput", {
  fields: (t) => ({
    provider: t.string({ required: true }),
    model: t.string({ required: true }),
    inputCostPerToken: t.float({ required: true }),
    outputCostPerToken: t.float({ required: true }),
    cachedInputCostPerToken: t.float(),
  }),
});

const PricingOverridePayload = builder.objectRef<PricingOverrideRow>("PricingOverridePayload").implement({
  fields: (t) => ({ pricingOverride: t.field({ type: PricingOverride, resolve: (o) => o }) }),
});
const ModelPricePayload = builder.objectRef<ModelPriceView>("ModelPricePayload").implement({
  fields: (t) => ({ modelPrice: t.field({ type: ModelPrice, resolve: (p) => p }) }),
});

builder.queryFields((t) => ({
  modelPrice: t.field({
    authScopes: { can: "read:pricing" },
    type: ModelPrice,
    nullable: true,
    description: "The price that applies to (provider, model) before overrides; null when none is known.",
    args: { provider: t.arg.string({ required: true }), model: t.arg.string({ required: true }) },
    resolve: (_root, { provider, model }, ctx) => getModelPrice(ctx, provider, model).catch(() => null),
  }),
  pricingOverrides: t.field({
    authScopes: { can: "read:pricing" },
    type: [PricingOverride],
    description: "Pricing overrides, oldest first (at most 100; filter by scope).",
    args: { scopeKind: t.arg.string(), virtualKeyId: t.arg.string(), providerId: t.arg.string(), providerKeyId: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const q = { scopeKind: args.scopeKind ?? undefined, virtualKeyId: args.virtualKeyId ?? undefined, providerId: args.providerId ?? undefined, providerKeyId: args.providerKeyId ?? undefined };
      return (await listPricingOverrides(ctx, { ...q, limit: "100" })).items;
    },
  }),
}));

builder.mutationFields((t) => ({
  setModelPrice: t.field({
    authScopes: { can: "update:pricing" },
    type: ModelPricePayload,
    args: { input: t.arg({ type: ModelPriceInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "SetModelPriceResult" } },
    resolve: (_root, { input }, ctx) => setModelPrice(ctx, withoutNulls(input)),
  }),
  deleteModelPrice: t.field({
    authScopes: { can: "delete:pricing" },
    type: DeletedPayload,
    description: "Removes an edited price: the default (if any) applies again.",
    args: { provider: t.arg.string({ required: true }), model: t.arg.string({ required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "DeleteModelPriceResult" } },
    resolve: async (_root, { provider, model }, ctx) => {
      await deleteModelPrice(ctx, provider, model);
      return { typename: null, id: `${provider}/${model}` };
    },
  }),
  createPricingOverride: t.field({
    authScopes: { can: "create:pricing" },
    type: PricingOverridePayload,
    args: { input: t.arg({ type: PricingOverrideInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreatePricingOverrideResult" } },
    resolve: (_root, { input }, ctx) => createPricingOverride(ctx, withoutNulls(input)),
  }),
  updatePricingOverride: t.field({
    authScopes: { can: "update:pricing" },
    type: PricingOverridePayload,
    description: "Given fields change (PATCH semantics); null clears a scope id.",
    args: { id: t.arg.string({ required: true }), input: t.arg({ type: PricingOverrideInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "UpdatePricingOverrideResult" } },
    resolve: (_root, { id, input }, ctx) => updatePricingOverride(ctx, id, patchInput(input), false),
  }),
  deletePricingOverride: t.field({
    authScopes: { can: "delete:pricing" },
    type: DeletedPayload,
    args: { id: t.arg.string({ required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "DeletePricingOverrideResult" } },
    resolve: async (_root, { id }, ctx) => {
      await deletePricingOverride(ctx, id);
      return { typename: null, id };
    },
  }),
}));
