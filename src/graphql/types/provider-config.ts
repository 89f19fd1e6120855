import { primaryBudget } from "../../services/limits.js";
import { builder } from "../builder.js";
import { shortList } from "../complexity.js";
import { Budget, BudgetInput, budgetsQuery, budgetsSelection } from "./budget.js";
import { RateLimitInput } from "./rate-limit.js";

const isEnvRef = (v: string) => v.startsWith("env.");

const SecretRef = builder.objectRef<{ value: string }>("SecretRef").implement({
  description: "A stored secret, redacted: an `env.NAME` reference is shown, a raw value never is.",
  fields: (t) => ({
    fromEnv: t.boolean({ resolve: (s) => isEnvRef(s.value) }),
    envVar: t.string({ nullable: true, description: "The env reference (e.g. env.OPENAI_API_KEY) when the secret is one.", resolve: (s) => (isEnvRef(s.value) ? s.value : null) }),
  }),
});

const ProviderKeyConfigKind = builder.enumType("ProviderKeyConfigKind", { values: ["AZURE", "VERTEX", "BEDROCK"] as const });
const CONFIG_KIND = { azureKeyConfig: "AZURE", vertexKeyConfig: "VERTEX", bedrockKeyConfig: "BEDROCK" } as const;

export const ProviderKey = builder.prismaObject("ProviderKey", {
  description: "A provider API key (its secret and credential settings are never exposed).",
  select: { id: true },
  fields: (t) => ({
    keyId: t.exposeString("keyId", { description: "The key's public UUID (what `keyIds` inputs refer to)." }),
    name: t.exposeString("name"),
    provider: t.exposeString("provider"),
    models: t.exposeStringList("models"),
    weight: t.exposeFloat("weight"),
    enabled: t.exposeBoolean("enabled"),
    useForBatchApi: t.exposeBoolean("useForBatchApi"),
    value: t.field({ type: SecretRef, select: { value: true }, resolve: (k) => ({ value: k.value }) }),
    configKind: t.field({
      type: ProviderKeyConfigKind,
      nullable: true,
      description: "Which provider-specific config (azure / vertex / bedrock) the key has, if any.",
      select: { settings: true },
      resolve: (k) => {
        const kind = Object.keys((k.settings ?? {}) as object)[0] as keyof typeof CONFIG_KIND | undefined;
        return kind ? CONFIG_KIND[kind] : null;
      },
    }),
    providerRef: t.relation("providerRef", { description: "The provider this key belongs to." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const ProviderConfig = builder.prismaObject("ProviderConfig", {
  description: "Which provider a virtual key may use, with which models and keys, and its own limits.",
  fields: (t) => ({
    id: t.exposeInt("id"),
    provider: t.exposeString("provider"),
    weight: t.exposeFloat("weight", { nullable: true }),
    allowedModels: t.exposeStringList("allowedModels", { description: '["*"] = every model, [] = none. Entries are exact names or `regex:<RE2 pattern>` (whole-name match).' }),
    blacklistedModels: t.exposeStringList("blacklistedModels", { description: "Models denied even when allowed (exact names or `regex:<RE2 pattern>`), in the order given." }),
    allowAllKeys: t.exposeBoolean("allowAllKeys", { description: "True when every key of the provider may be used (`keys` is then empty)." }),
    keys: t.field({
      type: [ProviderKey],
      description: "The provider keys this config is restricted to.",
      complexity: shortList,
      select: (_args, _ctx, nestedSelection) => ({
        keys: { select: { providerKey: nestedSelection(true) }, orderBy: { providerKeyId: "asc" } },
      }),
      resolve: (pc) => pc.keys.map((k) => k.providerKey),
    }),
    virtualKey: t.relation("virtualKey"),
    budgets: t.relation("budgets", { query: budgetsQuery, complexity: shortList }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (pc) => primaryBudget(pc.budgets) ?? null,
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.prismaObjectField("ProviderKey", "providerConfigs", (t) =>
  t.field({
    type: [ProviderConfig],
    description: "The virtual-key provider configs restricted to this key (not for a customer-admin: they span customers).",
    authScopes: { can: "read:provider" },
    select: (_args, _ctx, nestedSelection) => ({
      configs: { select: { providerConfig: nestedSelection(true) }, orderBy: { providerConfigId: "asc" } },
    }),
    resolve: (k) => k.configs.map((c) => c.providerConfig),
  }),
);

export const ProviderConfigInput = builder.inputType("ProviderConfigInput", {
  fields: (t) => ({
    provider: t.string({ required: true }),
    weight: t.float(),
    allowedModels: t.stringList({ description: 'Defaults to ["*"] (every model).' }),
    blacklistedModels: t.stringList({ description: "Defaults to [] (nothing denied)." }),
    keyIds: t.stringList({ description: 'Provider key UUIDs; defaults to ["*"] (every key).' }),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});
