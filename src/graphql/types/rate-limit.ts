import { builder } from "../builder.js";

/** Token/request counters are bigint in the database and kept below 2^53, so Float is exact. */
const count = (n: bigint | null) => (n === null ? null : Number(n));

export const RateLimit = builder.prismaObject("RateLimit", {
  description: "Token and request windows of one owner. A null max limit never blocks on that window.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "The rate limit's database UUID." }),
    tokenMaxLimit: t.float({ nullable: true, resolve: (r) => count(r.tokenMaxLimit) }),
    tokenResetDuration: t.exposeString("tokenResetDuration", { nullable: true }),
    tokenCurrentUsage: t.float({ resolve: (r) => Number(r.tokenCurrentUsage) }),
    tokenLastReset: t.expose("tokenLastReset", { type: "DateTime" }),
    requestMaxLimit: t.float({ nullable: true, resolve: (r) => count(r.requestMaxLimit) }),
    requestResetDuration: t.exposeString("requestResetDuration", { nullable: true }),
    requestCurrentUsage: t.float({ resolve: (r) => Number(r.requestCurrentUsage) }),
    requestLastReset: t.expose("requestLastReset", { type: "DateTime" }),
    calendarAligned: t.exposeBoolean("calendarAligned"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const RateLimitInput = builder.inputType("RateLimitInput", {
  description: "Token and request windows; omit a window to leave it unlimited.",
  fields: (t) => ({
    tokenMaxLimit: t.float(),
    tokenResetDuration: t.string(),
    requestMaxLimit: t.float(),
    requestResetDuration: t.string(),
  }),
});
