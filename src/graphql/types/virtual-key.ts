import { db } from "../../db/client.js";
import { maskKey } from "../../lib/api-keys.js";
import { primaryBudget } from "../../services/limits.js";
import { listOrder } from "../../services/pagination.js";
import { createVirtualKey, type CreatedVirtualKey } from "../../services/virtual-keys.js";
import { isUuid } from "../../services/validation.js";
import { builder } from "../builder.js";
import { mutationErrors } from "../errors.js";
import { nameSearch, withoutNulls } from "../inputs.js";
import { Budget, BudgetInput, budgetsQuery, budgetsSelection } from "./budget.js";
import { McpConfigInput } from "./mcp-config.js";
import { ProviderConfigInput } from "./provider-config.js";
import { RateLimitInput } from "./rate-limit.js";

export const VirtualKey = builder.prismaNode("VirtualKey", {
  id: { field: "id", description: "Relay global ID (opaque). Use `uuid` for the database id." },
  nullable: true,
  description: "What an application presents to the gateway. Belongs to a team or a customer, never both.",
  fields: (t) => ({
    uuid: t.exposeString("id", { description: "The database UUID (what the REST API and `virtualKey(id:)` use)." }),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    value: t.string({
      description: "The key in masked form (`sk-bf-xxxx…yyyy`); the full value is only returned by createVirtualKey.",
      select: { valuePrefix: true, valueSuffix: true },
      resolve: (vk) => maskKey(vk.valuePrefix, vk.valueSuffix),
    }),
    isActive: t.exposeBoolean("isActive"),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    allowAllProviders: t.exposeBoolean("allowAllProviders"),
    team: t.relation("team", { nullable: true }),
    customer: t.relation("customer", { nullable: true, description: "The customer the key is attached to directly (not through its team)." }),
    budgets: t.relation("budgets", { query: budgetsQuery }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (vk) => primaryBudget(vk.budgets) ?? null,
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    providerConfigs: t.relation("providerConfigs", { query: { orderBy: { id: "asc" } } }),
    mcpConfigs: t.relation("mcpConfigs", { query: { orderBy: { id: "asc" } } }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  virtualKey: t.prismaField({
    type: "VirtualKey",
    nullable: true,
    description: "A virtual key by database UUID; null when unknown or not a UUID.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, { id }) => (isUuid(id) ? db.virtualKey.findUnique({ ...query, where: { id } }) : null),
  }),
  virtualKeys: t.prismaConnection(
    {
      type: "VirtualKey",
      cursor: "id",
      description: "Virtual keys, oldest first. `search` matches the name case-insensitively.",
      args: { search: t.arg.string() },
      resolve: (query, _root, args) => db.virtualKey.findMany({ ...query, where: nameSearch(args.search), orderBy: listOrder }),
      totalCount: (_connection, args) => db.virtualKey.count({ where: nameSearch(args.search) }),
    },
    { name: "VirtualKeyConnection" },
    { name: "VirtualKeyEdge" },
  ),
}));

const CreateVirtualKeyInput = builder.inputType("CreateVirtualKeyInput", {
  description: "Attach the key to a team (`teamId`) or a customer (`customerId`), not both.",
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    teamId: t.string({ description: "Database UUID of the owning team." }),
    customerId: t.string({ description: "Database UUID of the owning customer." }),
    isActive: t.boolean(),
    calendarAligned: t.boolean(),
    allowAllProviders: t.boolean(),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
    providerConfigs: t.field({ type: [ProviderConfigInput] }),
    mcpConfigs: t.field({ type: [McpConfigInput] }),
  }),
});

const CreateVirtualKeyPayload = builder.objectRef<CreatedVirtualKey>("CreateVirtualKeyPayload").implement({
  fields: (t) => ({
    virtualKey: t.field({ type: VirtualKey, resolve: (created) => created.key }),
    value: t.exposeString("value", { description: "The full key value. Shown only here, once; store it now." }),
  }),
});

builder.mutationField("createVirtualKey", (t) =>
  t.field({
    type: CreateVirtualKeyPayload,
    args: { input: t.arg({ type: CreateVirtualKeyInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateVirtualKeyResult" } },
    resolve: (_root, { input }, ctx) => createVirtualKey(ctx, withoutNulls(input)),
  }),
);
