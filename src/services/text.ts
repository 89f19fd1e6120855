/**
 * Safe text (issue #9): every string a caller sends (body fields and keys, path ids, query parameters, GraphQL
 * arguments) is refused when it holds a NUL (PostgreSQL text cannot store one) or an unpaired UTF-16 surrogate
 * (not encodable as UTF-8), or when it is longer than its column allows. Messages quote at most QUOTE_MAX
 * characters of what was sent.
 */
import { z } from "zod";
import { ValidationError } from "./errors.js";

/** Names (customers, teams, keys, provider keys, MCP clients, model names): the varchar(255) columns. */
export const MAX_NAME = 255;
/** Provider names: varchar(50). */
export const MAX_PROVIDER = 50;
/** Any other string in an input (descriptions, connection strings, headers, secrets, list entries). */
export const MAX_TEXT = 4_096;
/** Entries in any list of an input (allowed models, tools, key ids, budgets…). */
export const MAX_ITEMS = 1_000;
export const QUOTE_MAX = 100;
/** Marks a custom zod issue as a field check: its message is prefixed with `Invalid value for <field>: `. */
export const FIELD_CHECK = "fieldCheck";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` cannot be stored as text, or null when it can. */
export function unsafeReason(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(s)) return "must not contain unpaired UTF-16 surrogates";
  return null;
}

/** `s` for an error message: at most QUOTE_MAX characters, then an ellipsis. */
export function quote(s: string): string {
  return s.length <= QUOTE_MAX ? s : `${s.slice(0, QUOTE_MAX)}…`;
}

/** A string of at most `max` characters that can be stored (the zod helper for every text field). */
export const text = (max: number = MAX_NAME) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const reason = unsafeReason(s);
      if (reason) ctx.addIssue({ code: "custom", message: reason, params: { [FIELD_CHECK]: true } });
    });

/**
 * The first unsafe string anywhere in a parsed input (values and keys, at any depth; iterative, so depth costs
 * no stack), or an over-long string or list: its path and the reason. Null when the input is clean.
 */
export function findUnsafe(input: unknown): { path: (string | number)[]; reason: string } | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const reason = unsafeReason(value) ?? (value.length > MAX_TEXT ? `must be at most ${MAX_TEXT} characters` : null);
      if (reason) return { path, reason };
    } else if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS) return { path, reason: `must have at most ${MAX_ITEMS} entries` };
      value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const reason = unsafeReason(k) ?? (k.length > MAX_NAME ? `field names must be at most ${MAX_NAME} characters` : null);
        if (reason) return { path: [...path, quote(k)], reason };
        stack.push({ value: v, path: [...path, k] });
      }
    }
  }
  return null;
}

/**
 * A path id, query parameter or GraphQL argument that will reach SQL: returned as is when storable and at most
 * `max` characters, otherwise a ValidationError naming `what` (e.g. "search parameter", "provider name").
 */
export function safeArg<T extends string | undefined | null>(value: T, what: string, max: number = MAX_TEXT): T {
  if (typeof value !== "string") return value;
  const reason = unsafeReason(value) ?? (value.length > max ? `must be at most ${max} characters` : null);
  if (reason) throw new ValidationError(`Invalid ${what}: ${reason}`, [{ path: [what], message: `Invalid ${what}: ${reason}` }]);
  return value;
}

/**
 * `search` as a literal substring for Prisma's `contains` (LIKE/ILIKE): `\`, `%` and `_` are escaped with the
 * default escape character, so `%` matches a percent sign, not everything. Checked like any argument.
 */
export function likeLiteral(search: string): string {
  return safeArg(search, "search parameter", MAX_NAME).replace(/[\\%_]/g, (c) => `\\${c}`);
}
