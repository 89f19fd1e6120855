/**
 * Shared zod schemas and checks for every owner of budgets and rate limits. Inputs are camelCase;
 * messages name fields in snake_case (the wire vocabulary of Bifrost's API) and keep Bifrost's texts.
 * Structural problems (unknown field, wrong type) are reported first; semantic checks then run in
 * Bifrost's order, so the first issue is the message Bifrost would give.
 */
import { z } from "zod";
import { validateResetDuration } from "../lib/duration.js";
import { patternProblem } from "../lib/model-patterns.js";
import { Prisma } from "../generated/prisma/client.js";
import { ConflictError, DUPLICATE_NAME_MESSAGE, ValidationError, type FieldIssue } from "./errors.js";
import { FIELD_CHECK, findUnsafe, quote, text } from "./text.js";

export const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const fieldPath = (path: PropertyKey[]) =>
  path.map((p) => (typeof p === "number" ? `[${p}]` : snake(String(p)))).join(".").replace(/\.\[/g, "[");

function describeIssue(issue: z.core.$ZodIssue): FieldIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => ({ path: [...path, k], message: `Unknown field: ${fieldPath([...path, k])}` }));
  }
  if (issue.code === "custom") {
    // Bifrost's texts are whole messages; a field-level check (FIELD_CHECK) names its field like zod's own issues
    const message = issue.params?.[FIELD_CHECK] ? `Invalid value for ${fieldPath(path)}: ${issue.message}` : issue.message;
    return [{ path, message }];
  }
  if (issue.code === "invalid_type") {
    const expected = issue.expected === "int" ? "an integer" : `a ${issue.expected}`;
    return [{ path, message: `Invalid value for ${fieldPath(path)}: expected ${expected}` }];
  }
  return [{ path, message: `Invalid value for ${fieldPath(path)}: ${issue.message}` }];
}

/**
 * Parses `input` with `schema`; throws ValidationError whose message is the first issue. Before the schema, every
 * string at any depth (values and keys) must be storable text of bounded length (src/services/text.ts).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ValidationError("Invalid JSON: expected an object");
  }
  const unsafe = findUnsafe(input);
  if (unsafe) {
    const message = `Invalid value for ${fieldPath(unsafe.path) || "body"}: ${unsafe.reason}`;
    throw new ValidationError(message, [{ path: unsafe.path, message }]);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(describeIssue);
  throw new ValidationError(issues[0]?.message ?? "Invalid input", issues);
}

/**
 * Runs refinement-style checks outside a schema, e.g. against rows an update loaded inside its
 * transaction. Throws a ValidationError whose message is the first issue; otherwise returns what
 * `check` returned.
 */
export function runChecks<T>(check: (ctx: z.core.$RefinementCtx) => T): T {
  const box: { value?: T } = {};
  const result = z.unknown().superRefine((_v, ctx) => void (box.value = check(ctx))).safeParse(null);
  if (result.success) return box.value as T;
  const issues = result.error.issues.flatMap(describeIssue);
  throw new ValidationError(issues[0]?.message ?? "Invalid input", issues);
}

/**
 * Catch handler for update transactions: client mistakes found after the entity was loaded read
 * `Failed to update <entity>: <reason>` (Bifrost's text, with the reason Bifrost hides behind a 500).
 * A unique-name violation becomes the duplicate-name conflict. Anything else (404s, faults) is rethrown.
 */
export function updateFailure(prefix: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof ValidationError) {
      throw new ValidationError(prefix + err.message, err.issues.map((i) => ({ ...i, message: prefix + i.message })));
    }
    if (err instanceof ConflictError) throw new ConflictError(prefix + err.message, err.kind);
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ConflictError(prefix + DUPLICATE_NAME_MESSAGE, "duplicate_name");
    }
    throw err;
  };
}

/** Adds an issue from inside a superRefine. */
export function fail(ctx: z.core.$RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: "custom", path, message });
}

/** Decimal places of a number as written in its shortest form (1e-11 → 11, 0.25 → 2). */
function decimals(n: number): number {
  const [mantissa, exponent] = String(Math.abs(n)).split("e");
  const fraction = mantissa!.split(".")[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/** At most 10 decimal places (the scale of the numeric(20,10) money columns). */
export const tenDecimals = (v: number) => decimals(v) <= 10;
export const TEN_DECIMALS = { message: "must have at most 10 decimal places", params: { [FIELD_CHECK]: true } };

/** Money fits the numeric(20,10) columns: |v| < 1e10 and at most 10 decimal places. */
export const money = z
  .number()
  .finite()
  .refine((v) => Math.abs(v) < 1e10, { message: "must be less than 10000000000", params: { [FIELD_CHECK]: true } })
  .refine(tenDecimals, TEN_DECIMALS);
const count = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
/** Durations are validated semantically (Bifrost messages); structurally they are strings (varchar(32)). */
const duration = text(32);
const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

export const budgetCreateShape = z.strictObject({
  id: text().optional(),
  maxLimit: money.optional(),
  resetDuration: duration.optional(),
  calendarAligned: z.boolean().optional(),
});
export type BudgetInput = z.output<typeof budgetCreateShape>;

export const BOTH_BUDGET_FIELDS_REQUIRED = "both max_limit and reset_duration are required when creating a new budget";
export const BUDGET_AND_BUDGETS = "use either budget or budgets, not both";

export const rateLimitShape = z.strictObject({
  tokenMaxLimit: nullable(count),
  tokenResetDuration: nullable(duration),
  requestMaxLimit: nullable(count),
  requestResetDuration: nullable(duration),
});
export type RateLimitInput = z.output<typeof rateLimitShape>;

export interface BudgetMessages {
  negative: (v: number) => string;
  format: (d: string) => string;
}
export const ownerBudgetMessages: BudgetMessages = {
  negative: (v) => `Budget max_limit cannot be negative: ${v.toFixed(2)}`,
  format: (d) => `Invalid reset duration format: ${d}`,
};
export const providerConfigBudgetMessages: BudgetMessages = {
  negative: (v) => `provider config budget max_limit cannot be negative: ${v.toFixed(2)}`,
  format: (d) => `invalid provider config budget reset duration format: ${d}`,
};

/**
 * Checks a budget that will be created. Like Bifrost (Go zero values), a missing max_limit counts as 0
 * and a missing reset_duration as "": negative limit, then duration format, then zero limit.
 */
export function checkNewBudget(
  ctx: z.core.$RefinementCtx,
  path: (string | number)[],
  b: BudgetInput,
  messages: BudgetMessages = ownerBudgetMessages,
): void {
  const max = b.maxLimit ?? 0;
  if (max < 0) return fail(ctx, [...path, "maxLimit"], messages.negative(max));
  if (!checkDuration(ctx, [...path, "resetDuration"], b.resetDuration ?? "", messages)) return;
  if (max === 0) fail(ctx, [...path, "maxLimit"], `budget max limit cannot be negative or zero: ${max.toFixed(2)}`);
}

/** Checks the fields present in a partial budget edit (limit > 0 when given, duration valid when given). */
export function checkBudgetPatch(
  ctx: z.core.$RefinementCtx,
  path: (string | number)[],
  b: BudgetInput,
  messages: BudgetMessages = ownerBudgetMessages,
): void {
  if (b.maxLimit !== undefined && b.maxLimit < 0) return fail(ctx, [...path, "maxLimit"], messages.negative(b.maxLimit));
  if (b.maxLimit === 0) return fail(ctx, [...path, "maxLimit"], `budget max limit cannot be negative or zero: 0.00`);
  if (b.resetDuration !== undefined) checkDuration(ctx, [...path, "resetDuration"], b.resetDuration, messages);
}

function checkDuration(ctx: z.core.$RefinementCtx, path: (string | number)[], d: string, messages: BudgetMessages): boolean {
  const v = validateResetDuration(d);
  if (!v.ok && v.reason === "format") fail(ctx, path, messages.format(d));
  else if (!v.ok) fail(ctx, path, `reset duration must be > 0: ${d}`);
  return v.ok;
}

/** Several new budgets for one owner: each valid, reset_duration unique (CURRENT profile). */
export function checkBudgetList(ctx: z.core.$RefinementCtx, path: (string | number)[], list: BudgetInput[]): void {
  const seen = new Set<string>();
  list.forEach((b, i) => {
    checkNewBudget(ctx, [...path, i], b);
    if (b.resetDuration !== undefined) {
      if (seen.has(b.resetDuration)) fail(ctx, [...path, i, "resetDuration"], `Duplicate reset_duration in budgets: ${b.resetDuration}`);
      seen.add(b.resetDuration);
    }
  });
}

/** Rate-limit rules (Bifrost's model hook). `prefix` is "" on keys and "Invalid rate limit: " on teams/customers. */
export function checkRateLimit(ctx: z.core.$RefinementCtx, path: (string | number)[], r: RateLimitInput, prefix = ""): void {
  for (const kind of ["token", "request"] as const) {
    const max = r[`${kind}MaxLimit`];
    const dur = r[`${kind}ResetDuration`];
    const at = (f: string) => [...path, `${kind}${f}`];
    if (max !== undefined && max !== null && max <= 0) {
      return fail(ctx, at("MaxLimit"), `${prefix}rate limit ${kind} max limit cannot be negative or zero: ${max}`);
    }
    if (max !== undefined && max !== null && (dur === undefined || dur === null || dur === "")) {
      return fail(ctx, at("ResetDuration"), `${prefix}rate limit ${kind} reset duration is required`);
    }
    if (dur !== undefined && dur !== null) {
      const v = validateResetDuration(dur);
      if (!v.ok && v.reason === "format") return fail(ctx, at("ResetDuration"), `${prefix}invalid rate limit ${kind} reset duration format: ${dur}`);
      if (!v.ok) return fail(ctx, at("ResetDuration"), `${prefix}${kind} reset duration cannot be zero or negative: ${dur}`);
    }
  }
}

export const isEmptyObject = (o: object) => Object.values(o).every((v) => v === undefined);

/**
 * Allow-lists (`allowed_models`, `key_ids`, `tools_to_execute`): ["*"] = all, [] = none.
 * `*` mixed with other values and duplicates (case-insensitive) are rejected with Bifrost's text.
 */
export function checkAllowList(ctx: z.core.$RefinementCtx, path: (string | number)[], list: string[] | undefined, what: string): void {
  if (!list) return;
  if (list.includes("*") && list.length > 1) {
    return fail(ctx, path, `invalid ${what}: wildcard '*' cannot be used with other values in the whitelist`);
  }
  const seen = new Set<string>();
  for (const v of list) {
    const k = v.toLowerCase();
    if (seen.has(k)) return fail(ctx, path, `invalid ${what}: duplicate value '${quote(v)}' in whitelist`);
    seen.add(k);
  }
}

/** `regex:` entries of a model list must compile, be bounded and not be `regex:*`; the message names the entry. */
export function checkModelPatterns(ctx: z.core.$RefinementCtx, path: (string | number)[], list: string[] | undefined, what: string): void {
  for (const [i, entry] of (list ?? []).entries()) {
    const problem = patternProblem(entry);
    if (problem) return fail(ctx, [...path, i], `invalid ${what}: regex entry '${quote(entry)}' is not allowed: ${problem}`);
  }
}

/** Owner reference: `""`/whitespace means none (normalised to null), otherwise must look like a uuid. */
export const ownerRef = text()
  .nullable()
  .optional()
  .transform((v) => (v === undefined ? undefined : v === null || v.trim() === "" ? null : v.trim()));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);
