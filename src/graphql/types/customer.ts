import { scopeWhere } from "../../services/access.js";
import { db } from "../../db/client.js";
import { createCustomer, deleteCustomer, updateCustomer } from "../../services/customers.js";
import { primaryBudget } from "../../services/limits.js";
import { listOrder } from "../../services/pagination.js";
import type { CustomerRow } from "../../services/shapes.js";
import { builder } from "../builder.js";
import { isUuid } from "../../services/validation.js";
import { entityId, noRow } from "../ids.js";
import { shortList } from "../complexity.js";
import { mutationErrors } from "../errors.js";
import { patchInput, withoutNulls } from "../inputs.js";
import { anyExhausted, spendOf } from "../../services/limit-status.js";
import { ListOrder, overBudgetArg, resolveList, searchArg } from "../lists.js";
import { Budget, BudgetInput, BudgetPatchInput, budgetsQuery, budgetsSelection } from "./budget.js";
import { DeletedPayload } from "./deleted.js";
import { RateLimitInput } from "./rate-limit.js";

export const Customer = builder.prismaNode("Customer", {
  id: { field: "id", description: "Relay global ID (opaque). Use `uuid` for the database id." },
  nullable: true,
  description: "The top of the hierarchy: owns teams, direct virtual keys, budgets and a rate limit.",
  fields: (t) => ({
    uuid: t.exposeString("id", { description: "The database UUID (what the REST API and `customer(id:)` use)." }),
    name: t.exposeString("name"),
    email: t.exposeString("email", { nullable: true }),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    teams: t.relation("teams", { query: { orderBy: listOrder } }),
    virtualKeys: t.relatedConnection("virtualKeys", {
      description: "Keys attached directly to the customer (not through a team), oldest first.",
      cursor: "id",
      totalCount: true,
      query: { orderBy: listOrder },
    }),
    budgets: t.relation("budgets", { query: budgetsQuery, complexity: shortList }),
    budget: t.field({
      type: Budget,
      nullable: true,
      description: "The primary budget: the shortest reset window among `budgets`.",
      select: budgetsSelection,
      resolve: (c) => primaryBudget(c.budgets) ?? null,
    }),
    spend: t.float({
      description: "Usage of the customer's own budgets in their current windows, in USD (expired windows count 0).",
      select: budgetsSelection,
      resolve: (c, _args, ctx) => spendOf(c.budgets, ctx.now()),
    }),
    overBudget: t.boolean({
      description: "One of the customer's own budgets is exhausted in an unexpired window.",
      select: budgetsSelection,
      resolve: (c, _args, ctx) => anyExhausted(c.budgets, ctx.now()),
    }),
    rateLimit: t.relation("rateLimit", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const CustomerFilter = builder.inputType("CustomerFilter", {
  fields: (t) => ({
    search: t.string(searchArg),
    email: t.string({ description: "Only the customer with this email address (case-insensitive)." }),
    overBudget: t.boolean(overBudgetArg),
  }),
});

builder.queryFields((t) => ({
  customer: t.prismaField({
    authScopes: { can: "read:customer" },
    type: "Customer",
    nullable: true,
    description: "A customer by database UUID or relay id; null when unknown or malformed.",
    args: { id: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      const id = entityId(args.id, "Customer");
      return isUuid(id) ? db.customer.findFirst({ ...query, where: { AND: [{ id }, scopeWhere.customer(ctx)] } }) : noRow(query);
    },
  }),
  customers: t.connection(
    {
      authScopes: { can: "read:customer" },
      type: Customer,
      description: "Customers, filtered and sorted (default: oldest first).",
      args: { filter: t.arg({ type: CustomerFilter }), orderBy: t.arg({ type: ListOrder }) },
      resolve: (_root, args, ctx, info) => resolveList("Customer", (q) => db.customer.findMany(q), args, args.filter, ctx, info),
    },
    { name: "CustomerConnection", fields: (c) => ({ totalCount: c.int({ resolve: (conn) => conn.totalCount ?? 0 }) }) },
    { name: "CustomerEdge" },
  ),
}));

const CreateCustomerInput = builder.inputType("CreateCustomerInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    email: t.string(),
    calendarAligned: t.boolean(),
    budget: t.field({ type: BudgetInput }),
    budgets: t.field({ type: [BudgetInput] }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const UpdateCustomerInput = builder.inputType("UpdateCustomerInput", {
  description: "Omitted fields keep their value. The rate limit is replaced as a whole (no max given removes it).",
  fields: (t) => ({
    name: t.string(),
    email: t.string({ description: "null or \"\" clears it." }),
    calendarAligned: t.boolean(),
    budget: t.field({ type: BudgetPatchInput }),
    budgets: t.field({ type: [BudgetPatchInput] }),
    resetBudgetUsage: t.boolean({ description: "Sets the usage of every budget to 0 (windows are kept)." }),
    rateLimit: t.field({ type: RateLimitInput }),
  }),
});

const CustomerPayload = builder.objectRef<CustomerRow>("CustomerPayload").implement({
  fields: (t) => ({ customer: t.field({ type: Customer, resolve: (row) => row }) }),
});

builder.mutationFields((t) => ({
  createCustomer: t.field({
    authScopes: { can: "create:customer" },
    type: CustomerPayload,
    args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateCustomerResult" } },
    resolve: (_root, { input }, ctx) => createCustomer(ctx, withoutNulls(input)),
  }),
  updateCustomer: t.field({
    authScopes: { can: "update:customer" },
    type: CustomerPayload,
    args: { id: t.arg.string({ required: true, description: "Database UUID or relay id." }), input: t.arg({ type: UpdateCustomerInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "UpdateCustomerResult" } },
    resolve: (_root, { id, input }, ctx) => updateCustomer(ctx, entityId(id, "Customer"), patchInput(input)),
  }),
  deleteCustomer: t.field({
    authScopes: { can: "delete:customer" },
    type: DeletedPayload,
    description: "Deletes the customer with its budgets and rate limit; its teams and keys stay, detached.",
    args: { id: t.arg.string({ required: true, description: "Database UUID or relay id." }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "DeleteCustomerResult" } },
    resolve: async (_root, { id }, ctx) => {
      await deleteCustomer(ctx, entityId(id, "Customer"));
      return { typename: "Customer", id };
    },
  }),
}));
