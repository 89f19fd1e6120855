/**
 * GraphQL sends `null` for an explicitly null optional field; the services' strict schemas mean
 * "absent" by a missing key. Drops null/undefined object entries, recursively (array items kept).
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    return Object.fromEntries(entries.map(([k, v]) => [k, withoutNulls(v)])) as T;
  }
  return value;
}

/** `where` for an optional case-insensitive name search. */
export const nameSearch = (search: string | null | undefined) =>
  search ? { name: { contains: search, mode: "insensitive" as const } } : {};
