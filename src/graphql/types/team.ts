import { scopeWhere } from "../../services/access.js";
import { db } from "../../db/client.js";
import { primaryBudget } from "../../services/limits.js";
import { listOrder } from "../../services/pagination.js";
import type { TeamRow } from "../../services/shapes.js";
import { createTeam, deleteTeam, updateTeam } from "../../services/teams.js";
import { builder } from "../builder.js";
import { isUuid } from "../../services/validation.js";
import { entityId, noRow, withEntityIds } from "../ids.js";
import { shortList } from "../complexity.js";
import { mutationErrors } from "../errors.js";
import { patchInput, withoutNulls } from "../inputs.js";
import { anyExhausted, spendOf } from "../../services/limit-status.js";
import { ListOrder, overBudgetArg, resolveList, searchArg } from "../lists.js";
import { Budget, BudgetInput, BudgetPatchInput, budgetsQuery, budgetsSelection } from "./budget.js";
import { DeletedPayload } from "./deleted.js";
import { RateLimitInput } from "./rate-limit.js";

export const Team = builder.prismaNode("Team", {
  id: { field: "id", description: "Relay global ID (opaque). Use `uuid` for the database id." },
  nullable: true,
  description: "A group of virtual keys, optionally under a customer; owns budgets and a rate limit.",
  fields: (t) => ({
    uuid: t.exposeString("id", { description: "The database UUID (what the REST API and `team(id:)` use)." }),
    name: t.exposeString("name"),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    customer: t.relation("customer", { nullable: true }),
    virtualKeys: t.relatedConnection("virtualKeys", { cursor: "id", totalCount: true, query: { orderBy: listOrder } }),
    budgets: t.relation("budgets", { query: budgetsQuery, complexity: shortList }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (team) => primaryBudget(team.budgets) ?? null,
    }),
    spend: t.float({
      description: "Usage of the team's own budgets in their current windows, in USD (expired windows count 0).",
      select: budgetsSelection,
      resolve: (team, _args, ctx) => spendOf(team.budgets, ctx.now()),
    }),
    overBudget: t.boolean({
      description: "One of the team's own budgets is exhausted in an unexpired window.",
      select: budgetsSelection,
      resolve: (team, _args, ctx) => anyExhausted(team.budgets, ctx.now()),
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const TeamFilter = builder.inputType("TeamFilter", {
  fields: (t) => ({
    search: t.string(searchArg),
    customerId: t.string({ description: "Only teams of this customer (database UUID or relay id)." }),
    overBudget: t.boolean(overBudgetArg),
  }),
});

builder.queryFields((t) => ({
  team: t.prismaField({
    authScopes: { can: "read:team" },
    type: "Team",
    nullable: true,
    description: "A team by database UUID or relay id; null when unknown or malformed.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = entityId(args.id, "Team");
      return isUuid(id) ? db.team.findFirst({ ...query, where: { id, ...scopeWhere.team(ctx) } }) : noRow(query);
    },
  }),
  teams: t.connection(
    {
      authScopes: { can: "read:team" },
      type: Team,
      description: "Teams, filtered and sorted (default: oldest first).",
      args: { filter: t.arg({ type: TeamFilter }), orderBy: t.arg({ type: ListOrder }) },
      resolve: (_root, args, ctx, info) => resolveList("Team", (q) => db.team.findMany(q), args, args.filter, ctx, info),
    },
    { name: "TeamConnection", fields: (c) => ({ totalCount: c.int({ resolve: (conn) => conn.totalCount ?? 0 }) }) },
    { name: "TeamEdge" },
  ),
}));

const CreateTeamInput = builder.inputType("CreateTeamInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    customerId: t.string({ description: "Database UUID or relay id of the owning customer." }),
    calendarAligned: t.boolean(),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const UpdateTeamInput = builder.inputType("UpdateTeamInput", {
  description: "Omitted fields keep their value. `customerId: null` (or \"\") detaches the team. The rate limit is replaced as a whole.",
  fields: (t) => ({
    name: t.string(),
    customerId: t.string(),
    calendarAligned: t.boolean(),
    budget: t.field({ type: BudgetPatchInput }),
    budgets: t.field({ type: [BudgetPatchInput] }),
    resetBudgetUsage: t.boolean({ description: "Sets the usage of every budget to 0 (windows are kept)." }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const TeamPayload = builder.objectRef<TeamRow>("TeamPayload").implement({
  fields: (t) => ({ team: t.field({ type: Team, resolve: (row) => row }) }),
});

builder.mutationFields((t) => ({
  createTeam: t.field({
    authScopes: { can: "create:team" },
    type: TeamPayload,
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateTeamResult" } },
    resolve: (_root, { input }, ctx) => createTeam(ctx, withEntityIds(withoutNulls(input))),
  }),
  updateTeam: t.field({
    authScopes: { can: "update:team" },
    type: TeamPayload,
    args: { id: t.arg.string({ required: true, description: "Database UUID or relay id." }), input: t.arg({ type: UpdateTeamInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "UpdateTeamResult" } },
    resolve: (_root, { id, input }, ctx) => updateTeam(ctx, entityId(id, "Team"), withEntityIds(patchInput(input))),
  }),
  deleteTeam: t.field({
    authScopes: { can: "delete:team" },
    type: DeletedPayload,
    description: "Deletes the team with its budgets and rate limit; its keys stay, detached.",
    args: { id: t.arg.string({ required: true, description: "Database UUID or relay id." }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "DeleteTeamResult" } },
    resolve: async (_root, { id }, ctx) => {
      await deleteTeam(ctx, entityId(id, "Team"));
      return { typename: "Team", id };
    },
  }),
}));
