import { builder } from "../builder.js";
import { rateWindowStatus, type RateKind, type RateLimitRow } from "../../services/limit-status.js";
import { LimitOwnerKind, ownerColumns, ownerKind } from "./budget.js";

/** Token/request counters are bigint in the database and kept below 2^53, so Float is exact. */
const count = (n: bigint | null) => (n === null ? null : Number(n));

interface WindowView {
  kind: RateKind;
  row: RateLimitRow;
}

export const RateLimitWindowKind = builder.enumType("RateLimitWindowKind", { values: ["TOKENS", "REQUESTS"] as const });

export const RateLimitWindow = builder.objectRef<WindowView>("RateLimitWindow").implement({
  description:
    "One window of a rate limit, reset-aware: a window that has ended but not been reset yet counts as fresh (usage 0). " +
    "A window without maxLimit never blocks (remaining and percentUsed are then null).",
  fields: (t) => {
    const s = (w: WindowView, now: Date) => rateWindowStatus(w.row, w.kind, now);
    return {
      kind: t.field({ type: RateLimitWindowKind, resolve: (w) => (w.kind === "token" ? "TOKENS" : "REQUESTS") }),
      maxLimit: t.float({ nullable: true, resolve: (w, _a, ctx) => s(w, ctx.now()).maxLimit }),
      resetDuration: t.string({ nullable: true, resolve: (w, _a, ctx) => s(w, ctx.now()).resetDuration }),
      usage: t.float({ description: "Usage in the current window (0 when expired).", resolve: (w, _a, ctx) => s(w, ctx.now()).usage }),
      remaining: t.float({ nullable: true, description: "maxLimit − usage, never below 0.", resolve: (w, _a, ctx) => s(w, ctx.now()).remaining }),
      percentUsed: t.float({ nullable: true, description: "usage / maxLimit × 100, rounded to 4 decimals.", resolve: (w, _a, ctx) => s(w, ctx.now()).percentUsed }),
      exhausted: t.boolean({ description: "usage >= maxLimit: blocked until the window resets.", resolve: (w, _a, ctx) => s(w, ctx.now()).exhausted }),
      expired: t.boolean({ resolve: (w, _a, ctx) => s(w, ctx.now()).expired }),
      nextResetAt: t.field({ type: "DateTime", nullable: true, resolve: (w, _a, ctx) => s(w, ctx.now()).nextResetAt }),
    };
  },
});

export const RateLimit = builder.prismaObject("RateLimit", {
  description: "Token and request windows of one owner. A null max limit never blocks on that window.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "The rate limit's database UUID." }),
    tokenMaxLimit: t.float({ nullable: true, resolve: (r) => count(r.tokenMaxLimit) }),
    tokenResetDuration: t.exposeString("tokenResetDuration", { nullable: true }),
    tokenCurrentUsage: t.float({ description: "Stored counter (not reset-aware; see `tokens.usage`).", resolve: (r) => Number(r.tokenCurrentUsage) }),
    tokenLastReset: t.expose("tokenLastReset", { type: "DateTime" }),
    requestMaxLimit: t.float({ nullable: true, resolve: (r) => count(r.requestMaxLimit) }),
    requestResetDuration: t.exposeString("requestResetDuration", { nullable: true }),
    requestCurrentUsage: t.float({ description: "Stored counter (not reset-aware; see `requests.usage`).", resolve: (r) => Number(r.requestCurrentUsage) }),
    requestLastReset: t.expose("requestLastReset", { type: "DateTime" }),
    tokens: t.field({ type: RateLimitWindow, description: "The token window with computed fields.", resolve: (row) => ({ kind: "token" as const, row }) }),
    requests: t.field({ type: RateLimitWindow, description: "The request window with computed fields.", resolve: (row) => ({ kind: "request" as const, row }) }),
    calendarAligned: t.exposeBoolean("calendarAligned"),
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
    provider: t.relation("provider", { nullable: true, description: "Set for a provider-level (global) rate limit." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const RateLimitInput = builder.inputType("RateLimitInput", {
  description:
    "Token and request windows; omit a window to leave it unlimited. On virtual-key and provider-config updates present " +
    "fields overwrite (null clears one, `{}` removes the rate limit); on team, customer, model-config and provider updates it is replaced as a whole.",
  fields: (t) => ({
    tokenMaxLimit: t.float(),
    tokenResetDuration: t.string(),
    requestMaxLimit: t.float(),
    requestResetDuration: t.string(),
  }),
});
