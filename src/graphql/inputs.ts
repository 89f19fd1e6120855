/**
 * GraphQL sends `null` for an explicitly null optional field, while the services' strict schemas mean
 * "absent" by a missing key. Nulls are dropped, recursively (array items kept), except on the fields
 * where the services give null a meaning: clearing an owner (`teamId`, `customerId`), a provider
 * config's weight, a key's content-logging decision, a customer's email, one rate-limit window, a model config's provider (null = every provider), and the
 * provider-key / MCP-client settings that null removes.
 */
import { likeLiteral } from "../services/text.js";

const NULL_MEANS_CLEAR = new Set([
  "teamId",
  "customerId",
  "weight",
  "disableContentLogging",
  "email",
  "virtualKeyId",
  "providerId",
  "providerKeyId",
  "tokenMaxLimit",
  "tokenResetDuration",
  "requestMaxLimit",
  "requestResetDuration",
  "provider",
  "connectionString",
  "stdioConfig",
  "azureKeyConfig",
  "vertexKeyConfig",
  "bedrockKeyConfig",
]);

export function withoutNulls<T>(value: T, keepNulls = false): T {
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v, keepNulls)) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value).filter(([k, v]) => v !== undefined && (v !== null || (keepNulls && NULL_MEANS_CLEAR.has(k))));
    return Object.fromEntries(entries.map(([k, v]) => [k, withoutNulls(v, keepNulls)])) as T;
  }
  return value;
}

/** Update inputs: like withoutNulls, but null survives where it means "clear". */
export const patchInput = <T>(value: T): T => withoutNulls(value, true);

/** `where` for an optional case-insensitive name search. */
export const nameSearch = (search: string | null | undefined) =>
  search ? { name: { contains: likeLiteral(search), mode: "insensitive" as const } } : {};
