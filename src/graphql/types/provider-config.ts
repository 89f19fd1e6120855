import { primaryBudget } from "../../services/limits.js";
import { builder } from "../builder.js";
import { Budget, BudgetInput, budgetsQuery, budgetsSelection } from "./budget.js";
import { RateLimitInput } from "./rate-limit.js";

interface ProviderKeyView {
  keyId: string;
  name: string;
  provider: string;
  models: string[];
  weight: number;
  enabled: boolean;
}

/** Secrets (`value`, `settings`) are never selected, let alone exposed. */
const providerKeyColumns = { keyId: true, name: true, provider: true, models: true, weight: true, enabled: true } as const;

const ProviderKey = builder.objectRef<ProviderKeyView>("ProviderKey").implement({
  description: "A provider API key a provider config may use (its secret is never exposed).",
  fields: (t) => ({
    keyId: t.exposeString("keyId", { description: "The key's public UUID (what `keyIds` inputs refer to)." }),
    name: t.exposeString("name"),
    provider: t.exposeString("provider"),
    models: t.exposeStringList("models"),
    weight: t.exposeFloat("weight"),
    enabled: t.exposeBoolean("enabled"),
  }),
});

export const ProviderConfig = builder.prismaObject("ProviderConfig", {
  description: "Which provider a virtual key may use, with which models and keys, and its own limits.",
  fields: (t) => ({
    id: t.exposeInt("id"),
    provider: t.exposeString("provider"),
    weight: t.exposeFloat("weight", { nullable: true }),
    allowedModels: t.exposeStringList("allowedModels", { description: '["*"] = every model, [] = none.' }),
    allowAllKeys: t.exposeBoolean("allowAllKeys", { description: "True when every key of the provider may be used (`keys` is then empty)." }),
    keys: t.field({
      type: [ProviderKey],
      description: "The provider keys this config is restricted to.",
      select: { keys: { select: { providerKey: { select: providerKeyColumns } }, orderBy: { providerKeyId: "asc" } } },
      resolve: (pc) => pc.keys.map((k) => k.providerKey),
    }),
    virtualKey: t.relation("virtualKey"),
    budgets: t.relation("budgets", { query: budgetsQuery }),
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

export const ProviderConfigInput = builder.inputType("ProviderConfigInput", {
  fields: (t) => ({
    provider: t.string({ required: true }),
    weight: t.float(),
    allowedModels: t.stringList({ description: 'Defaults to ["*"] (every model).' }),
    keyIds: t.stringList({ description: 'Provider key UUIDs; defaults to ["*"] (every key).' }),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});
