import { scopeWhere } from "../../services/access.js";
import { db } from "../../db/client.js";
import { hashKey, maskKey } from "../../lib/api-keys.js";
import { primaryBudget } from "../../services/limits.js";
import { builder } from "../builder.js";
import { isUuid } from "../../services/validation.js";
import { entityId, noRow } from "../ids.js";
import { shortList } from "../complexity.js";
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import { anyExhausted, spendOf } from "../../services/limit-status.js";
import { ListOrder, overBudgetArg, resolveList, searchArg } from "../lists.js";
import { Budget, budgetsQuery, budgetsSelection } from "./budget.js";
import { EffectiveLimits, loadEffectiveLimits } from "./effective-limits.js";

export const VirtualKey = builder.prismaNode("VirtualKey", {
  id: { field: "id", description: "Relay global ID (opaque). Use `uuid` for the database id." },
  nullable: true,
  description: "What an application presents to the gateway. Belongs to a team or a customer, never both.",
  fields: (t) => ({
    uuid: t.exposeString("id", { description: "The database UUID (what the REST API and `virtualKey(id:)` use)." }),
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    value: t.string({
      description: "The key in masked form (`sk-bf-xxxx…yyyy`); the full value is only returned by createVirtualKey and rotateVirtualKey.",
      select: { valuePrefix: true, valueSuffix: true },
      resolve: (vk) => maskKey(vk.valuePrefix, vk.valueSuffix),
    }),
    isActive: t.exposeBoolean("isActive"),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    allowAllProviders: t.exposeBoolean("allowAllProviders"),
    disableContentLogging: t.exposeBoolean("disableContentLogging", {
      nullable: true,
      description: "true/false: the key decides whether the gateway may log request and response content; null: inherit.",
    }),
    team: t.relation("team", { nullable: true }),
    customer: t.relation("customer", { nullable: true, description: "The customer the key is attached to directly (not through its team)." }),
    budgets: t.relation("budgets", { query: budgetsQuery, complexity: shortList }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (vk) => primaryBudget(vk.budgets) ?? null,
    }),
    spend: t.float({
      description: "Usage of the key's own budgets in their current windows, in USD (expired windows count 0).",
      select: budgetsSelection,
      resolve: (vk, _args, ctx) => spendOf(vk.budgets, ctx.now()),
    }),
    overBudget: t.boolean({
      description: "One of the key's own budgets is exhausted in an unexpired window.",
      select: budgetsSelection,
      resolve: (vk, _args, ctx) => anyExhausted(vk.budgets, ctx.now()),
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    providerConfigs: t.relation("providerConfigs", { query: { orderBy: { id: "asc" } }, complexity: shortList }),
    mcpConfigs: t.relation("mcpConfigs", { query: { orderBy: { id: "asc" } }, complexity: shortList }),
    effectiveLimits: t.loadable({
      type: EffectiveLimits,
      description: "Every budget and rate limit that applies to the key across provider config → key → team → customer, with the tightest of each kind.",
      args: { provider: t.arg.string({ description: "Only the provider configs of this provider (what a request to it is checked against)." }) },
      byPath: true,
      complexity: 5,
      load: (ids: string[], ctx, args) => loadEffectiveLimits(ids, args.provider, ctx.now()),
      resolve: (vk) => vk.id,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const VirtualKeyFilter = builder.inputType("VirtualKeyFilter", {
  fields: (t) => ({
    search: t.string(searchArg),
    teamId: t.string({ description: "Only keys of this team (database UUID or relay id)." }),
    customerId: t.string({ description: "Only keys of this customer, attached directly or through one of its teams (database UUID or relay id)." }),
    isActive: t.boolean(),
    provider: t.string({ description: "Only keys with a provider config for this provider." }),
    overBudget: t.boolean(overBudgetArg),
  }),
});

builder.queryFields((t) => ({
  virtualKey: t.prismaField({
    authScopes: { can: "read:virtualKey" },
    type: "VirtualKey",
    nullable: true,
    description: "A virtual key by database UUID or relay id; null when unknown or malformed.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = entityId(args.id, "VirtualKey");
      return isUuid(id) ? db.virtualKey.findFirst({ ...query, where: { id, ...scopeWhere.virtualKey(ctx) } }) : noRow(query);
    },
  }),
  virtualKeyByValue: t.prismaField({
    authScopes: { can: "lookup:virtualKey" },
    type: "VirtualKey",
    nullable: true,
    description: "Admin only: the key with this full value (looked up by its SHA-256); null when none has it.",
    args: { value: t.arg.string({ required: true }) },
    errors: { types: [ForbiddenError, UnauthenticatedError], directResult: true, union: { name: "VirtualKeyByValueResult" } },
    resolve: (query, _root, { value }) => db.virtualKey.findUnique({ ...query, where: { valueHash: hashKey(value) } }),
  }),
  virtualKeys: t.connection(
    {
      authScopes: { can: "read:virtualKey" },
      type: VirtualKey,
      description: "Virtual keys, filtered and sorted (default: oldest first).",
      args: { filter: t.arg({ type: VirtualKeyFilter }), orderBy: t.arg({ type: ListOrder }) },
      resolve: (_root, args, ctx, info) => resolveList("VirtualKey", (q) => db.virtualKey.findMany(q), args, args.filter, ctx, info),
    },
    { name: "VirtualKeyConnection", fields: (c) => ({ totalCount: c.int({ resolve: (conn) => conn.totalCount ?? 0 }) }) },
    { name: "VirtualKeyEdge" },
  ),
}));
