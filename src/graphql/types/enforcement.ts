/**
 * Enforcement over GraphQL, on the same services as REST: `checkAccess` and `recordUsage` mutations and the
 * self-service `quota` query. The virtual key is an argument (its plain value, as a gateway would send it in
 * `x-bf-vk`); a denial is an `AccessDeniedError` carrying Bifrost's decision and HTTP-equivalent status.
 * Budget and rate-limit usage/headroom fields live on the Budget and RateLimit types (budget.ts, rate-limit.ts).
 */
import { checkDecision, measureEnforcement, usageDecision } from "../../metrics.js";
import { checkAccess, type BudgetHeadroom, type CheckResult, type RateLimitHeadroom } from "../../services/enforcement.js";
import type { Level } from "../../services/enforcement-config.js";
import { AccessDeniedError, ValidationError } from "../../services/errors.js";
import { keyQuota, type BudgetQuota, type KeyQuota, type RateLimitQuota, type WindowQuota } from "../../services/quota.js";
import { recordUsage, type UsageResult } from "../../services/usage.js";
import { nextResetAt } from "../../lib/duration.js";
import { builder } from "../builder.js";
import { ErrorInterface } from "../errors.js";
import { withoutNulls } from "../inputs.js";


builder.objectType(AccessDeniedError, {
  name: "AccessDeniedError",
  description: "Governance denied the request (spec §3.2). `message` is Bifrost's reason text.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    decision: t.string({ description: "Bifrost's decision type, e.g. budget_exceeded, request_limited, model_blocked.", resolve: (e) => e.decision }),
    statusCode: t.int({ description: "The HTTP status the REST API answers with (401, 402, 403 or 429).", resolve: (e) => e.statusCode }),
  }),
});

const LimitLevel = builder.enumType("LimitLevel", {
  description: "Where a limit sits in the chain a request passes (check order).",
  values: ["PROVIDER", "MODEL_PROVIDER", "MODEL", "PROVIDER_CONFIG", "VIRTUAL_KEY", "TEAM", "CUSTOMER"] as const,
});
const level = (l: Level) => l.toUpperCase() as (typeof LimitLevel)["$inferType"];

const CheckAccessInput = builder.inputType("CheckAccessInput", {
  fields: (t) => ({
    provider: t.string({ description: "Omitted: taken from a `provider/model` model, else chosen among the key's provider configs (§3.7)." }),
    model: t.string({ required: true }),
    estimatedTokens: t.int({ description: "Tokens to hold on every token window until the usage is recorded." }),
    estimatedCost: t.float({ description: "USD to hold on every budget until the usage is recorded." }),
    requestId: t.string({ description: "Pass the same id to recordUsage; generated when omitted." }),
  }),
});

const RecordUsageInput = builder.inputType("RecordUsageInput", {
  fields: (t) => ({
    requestId: t.string({ required: true, description: "Idempotency key: a request id is charged once." }),
    provider: t.string(),
    model: t.string({ required: true }),
    tokens: t.int({ description: "Total tokens of the response." }),
    cost: t.float({ description: "Cost in USD. Omitted with token counts given: the tokens are priced (catalog and pricing overrides)." }),
    success: t.boolean({ description: "false: a failed call, charged nothing (its reservation is released). Default true." }),
    promptTokens: t.int(),
    completionTokens: t.int(),
    cachedTokens: t.int({ description: "Prompt tokens read from the provider's cache (upstream's prompt_tokens_details.cached_tokens)." }),
    requestType: t.string({ description: "Upstream's request type (chat_completion, embedding, …): selects pricing overrides." }),
    providerKeyId: t.string({ description: "The provider key used: selects provider-key pricing overrides." }),
  }),
});

/** GraphQL's flat `cachedTokens` → the service's (upstream's) `promptTokensDetails.cachedTokens`. */
function usageInput<T extends { cachedTokens?: number | null }>(input: T) {
  const { cachedTokens, ...rest } = input;
  return cachedTokens == null ? rest : { ...rest, promptTokensDetails: { cachedTokens } };
}

const AllowedProviderKey = builder.objectRef<{ keyId: string; name: string }>("AllowedProviderKey").implement({
  fields: (t) => ({ keyId: t.exposeString("keyId"), name: t.exposeString("name") }),
});

const HeldAmounts = builder.objectRef<NonNullable<CheckResult["reservation"]>>("HeldAmounts").implement({
  description: "What an allowed check holds on every level until its usage is recorded (or the hold expires).",
  fields: (t) => ({
    cost: t.exposeFloat("cost", { description: "USD." }),
    tokens: t.exposeFloat("tokens"),
    requests: t.exposeInt("requests"),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

const BudgetHeadroomRef = builder.objectRef<BudgetHeadroom & { now: Date }>("BudgetHeadroom").implement({
  description: "One budget of the chain right after this check (USD).",
  fields: (t) => ({
    budgetId: t.string({ resolve: (h) => h.state.ref.id }),
    level: t.field({ type: LimitLevel, resolve: (h) => level(h.state.ref.level) }),
    name: t.string({ description: "Bifrost's name for it: VK, Team, Customer, the provider, Model:<m>[:Provider:<p>].", resolve: (h) => h.state.ref.name }),
    effectiveLimit: t.float({ resolve: (h) => Number(h.state.limit) }),
    usage: t.exposeFloat("usage"),
    remaining: t.exposeFloat("remaining"),
    resetDuration: t.string({ resolve: (h) => h.state.ref.resetDuration }),
    lastReset: t.field({ type: "DateTime", resolve: (h) => h.state.lastReset }),
    nextResetAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (h) => nextResetAt({ duration: h.state.ref.resetDuration, lastReset: h.state.lastReset, calendarAligned: h.state.ref.calendarAligned }, h.now),
    }),
  }),
});

const RateLimitHeadroomRef = builder.objectRef<RateLimitHeadroom>("RateLimitHeadroom").implement({
  description: "One rate limit of the chain right after this check. Counts as Float: they may exceed 2^31.",
  fields: (t) => ({
    rateLimitId: t.string({ resolve: (h) => h.state.ref.id }),
    level: t.field({ type: LimitLevel, resolve: (h) => level(h.state.ref.level) }),
    name: t.string({ resolve: (h) => h.state.ref.name }),
    tokenLimit: t.float({ nullable: true, resolve: (h) => (h.state.tokenLimit === null ? null : Number(h.state.tokenLimit)) }),
    tokenUsage: t.exposeFloat("tokenUsage"),
    tokensRemaining: t.exposeFloat("tokensRemaining", { nullable: true }),
    tokenResetDuration: t.string({ nullable: true, resolve: (h) => h.state.ref.tokenResetDuration }),
    requestLimit: t.float({ nullable: true, resolve: (h) => (h.state.requestLimit === null ? null : Number(h.state.requestLimit)) }),
    requestUsage: t.exposeFloat("requestUsage"),
    requestsRemaining: t.exposeFloat("requestsRemaining", { nullable: true }),
    requestResetDuration: t.string({ nullable: true, resolve: (h) => h.state.ref.requestResetDuration }),
  }),
});

const CheckAccessPayload = builder.objectRef<CheckResult & { now: Date }>("CheckAccessPayload").implement({
  description: "The request is allowed.",
  fields: (t) => ({
    requestId: t.exposeString("requestId"),
    virtualKeyId: t.string({ nullable: true, resolve: (r) => r.virtualKey?.id ?? null }),
    virtualKeyName: t.string({ nullable: true, resolve: (r) => r.virtualKey?.name ?? null }),
    provider: t.exposeString("provider"),
    model: t.exposeString("model"),
    disableContentLogging: t.exposeBoolean("disableContentLogging", { description: "The gateway must not log request/response content (the key's decision; false when it inherits)." }),
    providerConfigId: t.int({ nullable: true, description: "The key's provider config used (null: none applies).", resolve: (r) => r.providerConfig?.id ?? null }),
    allowedKeys: t.field({ type: [AllowedProviderKey], description: "Provider keys the gateway may use for this request.", resolve: (r) => r.allowedKeys }),
    reservation: t.field({ type: HeldAmounts, nullable: true, description: "Null when this request id already held a reservation.", resolve: (r) => r.reservation }),
    budgets: t.field({ type: [BudgetHeadroomRef], resolve: (r) => r.budgets.map((b) => ({ ...b, now: r.now })) }),
    rateLimits: t.field({ type: [RateLimitHeadroomRef], resolve: (r) => r.rateLimits }),
  }),
});

const RecordUsagePayload = builder.objectRef<UsageResult>("RecordUsagePayload").implement({
  fields: (t) => ({
    requestId: t.exposeString("requestId"),
    recorded: t.exposeBoolean("recorded", { description: "false: this request id was already recorded; nothing was charged." }),
    settledReservation: t.exposeBoolean("settledReservation"),
    chargedCost: t.float({ description: "USD added to every budget of the chain.", resolve: (u) => u.charged.cost }),
    chargedTokens: t.float({ resolve: (u) => u.charged.tokens }),
    chargedRequests: t.int({ resolve: (u) => u.charged.requests }),
    costSource: t.exposeString("costSource", { description: "reported, override, catalog, default, unpriced (or duplicate)." }),
    pricingOverrideId: t.exposeString("pricingOverrideId", { nullable: true }),
  }),
});

const QuotaBudget = builder.objectRef<BudgetQuota>("QuotaBudget").implement({
  description: "A budget as enforcement sees it now (USD): an expired window reads 0.",
  fields: (t) => ({
    id: t.exposeString("id"),
    maxLimit: t.exposeFloat("maxLimit"),
    overrideAmount: t.exposeFloat("overrideAmount", { nullable: true }),
    currentUsage: t.exposeFloat("currentUsage"),
    remaining: t.exposeFloat("remaining"),
    resetDuration: t.exposeString("resetDuration"),
    lastReset: t.expose("lastReset", { type: "DateTime" }),
    nextResetAt: t.expose("nextResetAt", { type: "DateTime", nullable: true }),
  }),
});

const QuotaWindow = builder.objectRef<WindowQuota>("QuotaWindow").implement({
  fields: (t) => ({
    maxLimit: t.exposeFloat("maxLimit", { nullable: true }),
    resetDuration: t.exposeString("resetDuration", { nullable: true }),
    currentUsage: t.exposeFloat("currentUsage"),
    remaining: t.exposeFloat("remaining", { nullable: true }),
    lastReset: t.expose("lastReset", { type: "DateTime" }),
    nextResetAt: t.expose("nextResetAt", { type: "DateTime", nullable: true }),
  }),
});

const QuotaRateLimit = builder.objectRef<RateLimitQuota>("QuotaRateLimit").implement({
  fields: (t) => ({
    id: t.exposeString("id"),
    tokens: t.field({ type: QuotaWindow, resolve: (r) => r.tokens }),
    requests: t.field({ type: QuotaWindow, resolve: (r) => r.requests }),
  }),
});

const QuotaProviderConfig = builder.objectRef<KeyQuota["providerConfigs"][number]>("QuotaProviderConfig").implement({
  fields: (t) => ({
    id: t.exposeInt("id"),
    provider: t.exposeString("provider"),
    weight: t.exposeFloat("weight", { nullable: true }),
    allowedModels: t.exposeStringList("allowedModels"),
    blacklistedModels: t.exposeStringList("blacklistedModels"),
    budgets: t.field({ type: [QuotaBudget], resolve: (p) => p.budgets }),
    rateLimit: t.field({ type: QuotaRateLimit, nullable: true, resolve: (p) => p.rateLimit }),
  }),
});

const QuotaModelConfig = builder.objectRef<KeyQuota["modelConfigs"][number]>("QuotaModelConfig").implement({
  description: "Model-level governance that applies to the key's requests (provider null: every provider).",
  fields: (t) => ({
    id: t.exposeString("id"),
    modelName: t.exposeString("modelName"),
    provider: t.exposeString("provider", { nullable: true }),
    budgets: t.field({ type: [QuotaBudget], resolve: (m) => m.budgets }),
    rateLimit: t.field({ type: QuotaRateLimit, nullable: true, resolve: (m) => m.rateLimit }),
  }),
});

const KeyQuotaRef = builder.objectRef<KeyQuota>("KeyQuota").implement({
  description: "The presented key's own usage and headroom (budgets shortest reset cycle first).",
  fields: (t) => ({
    virtualKeyName: t.exposeString("virtualKeyName"),
    isActive: t.exposeBoolean("isActive"),
    budgets: t.field({ type: [QuotaBudget], resolve: (q) => q.budgets }),
    rateLimit: t.field({ type: QuotaRateLimit, nullable: true, resolve: (q) => q.rateLimit }),
    rateLimits: t.field({ type: [QuotaRateLimit], resolve: (q) => q.rateLimits }),
    providerConfigs: t.field({ type: [QuotaProviderConfig], resolve: (q) => q.providerConfigs }),
    modelConfigs: t.field({ type: [QuotaModelConfig], resolve: (q) => q.modelConfigs }),
  }),
});

const keyArg = { description: "The virtual key value (as sent in x-bf-vk). Omitted: no key." } as const;
const errors = (name: string) => ({ types: [AccessDeniedError, ValidationError], directResult: true as const, union: { name } });

builder.mutationFields((t) => ({
  checkAccess: t.field({
    authScopes: { can: "create:enforcement" },
    type: CheckAccessPayload,
    description: "Pre-request governance check; an allowed check reserves its request (and estimates) on every level.",
    args: { virtualKey: t.arg.string(keyArg), input: t.arg({ type: CheckAccessInput, required: true }) },
    errors: errors("CheckAccessResult"),
    resolve: async (_root, { virtualKey, input }, ctx) => ({
      ...(await measureEnforcement("check", () => checkAccess(ctx, virtualKey ?? undefined, withoutNulls(input), { vkMandatory: ctx.vkMandatory }), checkDecision)),
      now: ctx.now(),
    }),
  }),
  recordUsage: t.field({
    authScopes: { can: "create:enforcement" },
    type: RecordUsagePayload,
    description: "Post-response accounting at every level of the chain; idempotent per requestId.",
    args: { virtualKey: t.arg.string(keyArg), input: t.arg({ type: RecordUsageInput, required: true }) },
    errors: errors("RecordUsageResult"),
    resolve: (_root, { virtualKey, input }, ctx) =>
      measureEnforcement("record", () => recordUsage(ctx, virtualKey ?? undefined, usageInput(withoutNulls(input)), { vkMandatory: ctx.vkMandatory }), usageDecision),
  }),
}));

builder.queryField("quota", (t) =>
  t.field({
    authScopes: { public: true }, // authenticated by the virtual key it is given
    type: KeyQuotaRef,
    description: "Self-service: the key's usage and headroom, authenticated by the key itself.",
    args: { virtualKey: t.arg.string({ required: true, description: "The virtual key value." }) },
    errors: errors("QuotaResult"),
    resolve: (_root, { virtualKey }, ctx) => keyQuota(ctx, virtualKey),
  }),
);
