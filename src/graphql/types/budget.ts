import type { Prisma } from "../../generated/prisma/client.js";
import { listOrder } from "../../services/pagination.js";
import { builder } from "../builder.js";
import { budgetStatus } from "../../services/limit-status.js";

/** Money is numeric(20,10) USD in the database; GraphQL carries it as Float. */
export const money = (d: Prisma.Decimal | number | string) => Number(d.toString());

/** An owner's `budgets` relation query; `budget` selects the same, so Prisma loads the list once for both. */
export const budgetsQuery = { orderBy: listOrder };
export const budgetsSelection = { budgets: budgetsQuery };

export const LimitOwnerKind = builder.enumType("LimitOwnerKind", {
  description: "What a budget or rate limit belongs to.",
  values: ["PROVIDER_CONFIG", "VIRTUAL_KEY", "TEAM", "CUSTOMER", "MODEL_CONFIG", "PROVIDER"] as const,
});
export type OwnerKind = (typeof LimitOwnerKind)["$inferType"];

interface OwnerColumns {
  virtualKeyId: string | null;
  providerConfigId: number | null;
  teamId: string | null;
  customerId: string | null;
  modelConfigId: string | null;
  providerName: string | null;
}
/** The owner columns `ownerKind` reads (selected so plugin-prisma loads them with the row). */
export const ownerColumns = { virtualKeyId: true, providerConfigId: true, teamId: true, customerId: true, modelConfigId: true, providerName: true } as const;

export function ownerKind(row: OwnerColumns): OwnerKind {
  if (row.providerConfigId !== null) return "PROVIDER_CONFIG";
  if (row.virtualKeyId !== null) return "VIRTUAL_KEY";
  if (row.teamId !== null) return "TEAM";
  if (row.customerId !== null) return "CUSTOMER";
  if (row.modelConfigId !== null) return "MODEL_CONFIG";
  return "PROVIDER";
}

export const Budget = builder.prismaObject("Budget", {
  description:
    "A dollar budget with a reset window. An owner may have several (one per reset duration). " +
    "Computed fields are reset-aware: a window that has ended but not been reset yet counts as fresh (usage 0).",
  fields: (t) => ({
    id: t.exposeString("id", { description: "The budget's database UUID." }),
    maxLimit: t.float({ description: "Limit in USD per window.", resolve: (b) => money(b.maxLimit) }),
    currentUsage: t.float({ description: "Stored spend in USD (not reset-aware; see `usage`).", resolve: (b) => money(b.currentUsage) }),
    overrideAmount: t.float({
      nullable: true,
      description: "Temporary extra headroom in USD: the effective limit is maxLimit + overrideAmount.",
      resolve: (b) => (b.overrideAmount === null ? null : money(b.overrideAmount)),
    }),
    overrideMode: t.exposeString("overrideMode", { nullable: true, description: '"cycles" or "forever".' }),
    overrideCyclesRemaining: t.exposeInt("overrideCyclesRemaining", { nullable: true }),
    effectiveLimit: t.float({
      description: "maxLimit plus the override (while one is set), in USD.",
      resolve: (b, _args, ctx) => budgetStatus(b, ctx.now()).effectiveLimit,
    }),
    usage: t.float({ description: "Spend in the current window in USD: 0 when the window has expired.", resolve: (b, _a, ctx) => budgetStatus(b, ctx.now()).usage }),
    remaining: t.float({ description: "effectiveLimit − usage in USD, never below 0.", resolve: (b, _a, ctx) => budgetStatus(b, ctx.now()).remaining }),
    percentUsed: t.float({ description: "usage / effectiveLimit × 100, rounded to 4 decimals (over 100 when overspent).", resolve: (b, _a, ctx) => budgetStatus(b, ctx.now()).percentUsed }),
    exhausted: t.boolean({ description: "usage >= effectiveLimit: requests are blocked until the window resets.", resolve: (b, _a, ctx) => budgetStatus(b, ctx.now()).exhausted }),
    expired: t.boolean({ description: "The window has ended and was not reset yet (it counts as fresh).", resolve: (b, _a, ctx) => budgetStatus(b, ctx.now()).expired }),
    nextResetAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the current window ends; for an expired window, the end of the window a reset now would start.",
      resolve: (b, _a, ctx) => budgetStatus(b, ctx.now()).nextResetAt,
    }),
    resetDuration: t.exposeString("resetDuration", { description: 'Window length, e.g. "30s", "1h", "1d", "1w", "1M".' }),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    lastReset: t.expose("lastReset", { type: "DateTime" }),
    ownerKind: t.field({
      type: LimitOwnerKind,
      select: ownerColumns,
      resolve: ownerKind,
    }),
    virtualKey: t.relation("virtualKey", { nullable: true }),
    providerConfig: t.relation("providerConfig", { nullable: true }),
    team: t.relation("team", { nullable: true }),
    customer: t.relation("customer", { nullable: true }),
    modelConfig: t.relation("modelConfig", { nullable: true }),
    provider: t.relation("provider", { nullable: true, description: "Set for provider-level (global) budgets." }),
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

export const BudgetPatchInput = builder.inputType("BudgetPatchInput", {
  description:
    "A budget in an update. `budget`: present fields edit the primary budget (or create one), `{}` removes every budget. " +
    "`budgets`: matched by `id`, then by `resetDuration`; unmatched entries are created, unlisted budgets deleted.",
  fields: (t) => ({
    id: t.string({ description: "UUID of an existing budget of this owner." }),
    maxLimit: t.float(),
    resetDuration: t.string(),
    calendarAligned: t.boolean(),
  }),
});
