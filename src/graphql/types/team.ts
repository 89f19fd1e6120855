import { db } from "../../db/client.js";
import { primaryBudget } from "../../services/limits.js";
import { listOrder } from "../../services/pagination.js";
import type { TeamRow } from "../../services/shapes.js";
import { createTeam } from "../../services/teams.js";
import { isUuid } from "../../services/validation.js";
import { builder } from "../builder.js";
import { mutationErrors } from "../errors.js";
import { nameSearch, withoutNulls } from "../inputs.js";
import { Budget, BudgetInput, budgetsQuery, budgetsSelection } from "./budget.js";
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
    budgets: t.relation("budgets", { query: budgetsQuery }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (team) => primaryBudget(team.budgets) ?? null,
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  team: t.prismaField({
    type: "Team",
    nullable: true,
    description: "A team by database UUID; null when unknown or not a UUID.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, { id }) => (isUuid(id) ? db.team.findUnique({ ...query, where: { id } }) : null),
  }),
  teams: t.prismaConnection(
    {
      type: "Team",
      cursor: "id",
      description: "Teams, oldest first. `search` matches the name case-insensitively.",
      args: { search: t.arg.string() },
      resolve: (query, _root, args) => db.team.findMany({ ...query, where: nameSearch(args.search), orderBy: listOrder }),
      totalCount: (_connection, args) => db.team.count({ where: nameSearch(args.search) }),
    },
    { name: "TeamConnection" },
    { name: "TeamEdge" },
  ),
}));

const CreateTeamInput = builder.inputType("CreateTeamInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    customerId: t.string({ description: "Database UUID of the owning customer." }),
    calendarAligned: t.boolean(),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const CreateTeamPayload = builder.objectRef<TeamRow>("CreateTeamPayload").implement({
  fields: (t) => ({ team: t.field({ type: Team, resolve: (row) => row }) }),
});

builder.mutationField("createTeam", (t) =>
  t.field({
    type: CreateTeamPayload,
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateTeamResult" } },
    resolve: (_root, { input }, ctx) => createTeam(ctx, withoutNulls(input)),
  }),
);
