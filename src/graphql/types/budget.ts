import type { Prisma } from "../../generated/prisma/client.js";
import { listOrder } from "../../services/pagination.js";
import { builder } from "../builder.js";

/** Money is numeric(20,10) USD in the database; GraphQL carries it as Float. */
export const money = (d: Prisma.Decimal | number | string) => Number(d.toString());

/** An owner's `budgets` relation query; `budget` selects the same, so Prisma loads the list once for both. */
export const budgetsQuery = { orderBy: listOrder };
export const budgetsSelection = { budgets: budgetsQuery };

export const Budget = builder.prismaObject("Budget", {
  description: "A dollar budget with a reset window. An owner may have several (one per reset duration).",
  fields: (t) => ({
    id: t.exposeString("id", { description: "The budget's database UUID." }),
    maxLimit: t.float({ description: "Limit in USD per window.", resolve: (b) => money(b.maxLimit) }),
    currentUsage: t.float({ description: "Spend in USD in the current window.", resolve: (b) => money(b.currentUsage) }),
    overrideAmount: t.float({
      nullable: true,
      description: "Temporary extra headroom in USD: the effective limit is maxLimit + overrideAmount.",
      resolve: (b) => (b.overrideAmount === null ? null : money(b.overrideAmount)),
    }),
    overrideMode: t.exposeString("overrideMode", { nullable: true }),
    overrideCyclesRemaining: t.exposeInt("overrideCyclesRemaining", { nullable: true }),
    effectiveLimit: t.float({
      description: "maxLimit plus any override, in USD.",
      resolve: (b) => money(b.maxLimit) + (b.overrideAmount === null ? 0 : money(b.overrideAmount)),
    }),
    resetDuration: t.exposeString("resetDuration", { description: 'Window length, e.g. "30s", "1h", "1d", "1w", "1M".' }),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    lastReset: t.expose("lastReset", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const BudgetInput = builder.inputType("BudgetInput", {
  description: "A new budget: limit in USD per reset window.",
  fields: (t) => ({
    maxLimit: t.float({ required: true }),
    resetDuration: t.string({ required: true, description: 'e.g. "1h", "1d", "1M".' }),
    calendarAligned: t.boolean({ description: "Defaults to the owner's calendarAligned." }),
  }),
});
