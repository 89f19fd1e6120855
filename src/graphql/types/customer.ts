import { db } from "../../db/client.js";
import { createCustomer } from "../../services/customers.js";
import { primaryBudget } from "../../services/limits.js";
import { listOrder } from "../../services/pagination.js";
import type { CustomerRow } from "../../services/shapes.js";
import { isUuid } from "../../services/validation.js";
import { builder } from "../builder.js";
import { mutationErrors } from "../errors.js";
import { nameSearch, withoutNulls } from "../inputs.js";
import { Budget, BudgetInput, budgetsQuery, budgetsSelection } from "./budget.js";
import { RateLimitInput } from "./rate-limit.js";

export const Customer = builder.prismaNode("Customer", {
  id: { field: "id", description: "Relay global ID (opaque). Use `uuid` for the database id." },
  nullable: true,
  description: "The top of the hierarchy: owns teams, direct virtual keys, budgets and a rate limit.",
  fields: (t) => ({
    uuid: t.exposeString("id", { description: "The database UUID (what the REST API and `customer(id:)` use)." }),
    name: t.exposeString("name"),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    teams: t.relation("teams", { query: { orderBy: listOrder } }),
    virtualKeys: t.relatedConnection("virtualKeys", {
      description: "Keys attached directly to the customer (not through a team).",
      cursor: "id",
      totalCount: true,
      query: { orderBy: listOrder },
    }),
    budgets: t.relation("budgets", { query: budgetsQuery }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (c) => primaryBudget(c.budgets) ?? null,
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  customer: t.prismaField({
    type: "Customer",
    nullable: true,
    description: "A customer by database UUID; null when unknown or not a UUID.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, { id }) => (isUuid(id) ? db.customer.findUnique({ ...query, where: { id } }) : null),
  }),
  customers: t.prismaConnection(
    {
      type: "Customer",
      cursor: "id",
      description: "Customers, oldest first. `search` matches the name case-insensitively.",
      args: { search: t.arg.string() },
      resolve: (query, _root, args) => db.customer.findMany({ ...query, where: nameSearch(args.search), orderBy: listOrder }),
      totalCount: (_connection, args) => db.customer.count({ where: nameSearch(args.search) }),
    },
    { name: "CustomerConnection" },
    { name: "CustomerEdge" },
  ),
}));

const CreateCustomerInput = builder.inputType("CreateCustomerInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    calendarAligned: t.boolean(),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const CreateCustomerPayload = builder.objectRef<CustomerRow>("CreateCustomerPayload").implement({
  fields: (t) => ({ customer: t.field({ type: Customer, resolve: (row) => row }) }),
});

builder.mutationField("createCustomer", (t) =>
  t.field({
    type: CreateCustomerPayload,
    args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateCustomerResult" } },
    resolve: (_root, { input }, ctx) => createCustomer(ctx, withoutNulls(input)),
  }),
);
