import { db } from "../../db/client.js";
import { primaryBudget } from "../../services/limits.js";
import { listOrder } from "../../services/pagination.js";
import { builder } from "../builder.js";
import { isUuid } from "../../services/validation.js";
import { entityId, noRow } from "../ids.js";
import { shortList } from "../complexity.js";
import { Budget, budgetsQuery, budgetsSelection } from "./budget.js";
import { likeLiteral, unsafeReason } from "../../services/text.js";

export const Provider = builder.prismaObject("Provider", {
  description: "A provider the gateway serves, with its keys and its provider-level (global) governance.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The provider's name, e.g. openai (its id)." }),
    keys: t.relation("keys", { query: { orderBy: listOrder }, complexity: shortList }),
    budgets: t.relation("budgets", { query: budgetsQuery, complexity: shortList, description: "Budgets every request to this provider counts against." }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (p) => primaryBudget(p.budgets) ?? null,
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const ModelConfig = builder.prismaNode("ModelConfig", {
  id: { field: "id", description: "Relay global ID (opaque). Use `uuid` for the database id." },
  nullable: true,
  description: "Budgets and a rate limit for one model, on one provider or (provider null) on every provider.",
  fields: (t) => ({
    uuid: t.exposeString("id"),
    modelName: t.exposeString("modelName"),
    provider: t.exposeString("provider", { nullable: true, description: "null = every provider." }),
    budgets: t.relation("budgets", { query: budgetsQuery, complexity: shortList }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (m) => primaryBudget(m.budgets) ?? null,
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  provider: t.prismaField({
    authScopes: { can: "read:provider" },
    type: "Provider",
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, { name }) => (unsafeReason(name) ? noRow(query) : db.provider.findUnique({ ...query, where: { name } })),
  }),
  providers: t.prismaField({
    authScopes: { can: "read:provider" },
    type: ["Provider"],
    description: "Every provider, by name.",
    resolve: (query) => db.provider.findMany({ ...query, orderBy: { name: "asc" } }),
  }),
  modelConfig: t.prismaField({
    authScopes: { can: "read:modelConfig" },
    type: "ModelConfig",
    nullable: true,
    description: "A model config by database UUID or relay id; null when unknown or malformed.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, args) => {
      const id = entityId(args.id, "ModelConfig");
      return isUuid(id) ? db.modelConfig.findUnique({ ...query, where: { id } }) : noRow(query);
    },
  }),
  modelConfigs: t.prismaConnection(
    {
      authScopes: { can: "read:modelConfig" },
      type: "ModelConfig",
      cursor: "id",
      description: "Model configs, oldest first. `search` matches the model name case-insensitively.",
      args: { search: t.arg.string() },
      resolve: (query, _root, args) =>
        db.modelConfig.findMany({ ...query, where: args.search ? { modelName: { contains: likeLiteral(args.search), mode: "insensitive" } } : {}, orderBy: listOrder }),
      totalCount: (_c, args) => db.modelConfig.count({ where: args.search ? { modelName: { contains: likeLiteral(args.search), mode: "insensitive" } } : {} }),
    },
    { name: "ModelConfigConnection" },
    { name: "ModelConfigEdge" },
  ),
}));
