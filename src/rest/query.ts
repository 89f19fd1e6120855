/** Query-string helpers shared by the list routes. */

/** The common list parameters (`limit`, `offset`, `search`); empty strings count as absent. */
export function listQuery(q: URLSearchParams) {
  const get = (k: string) => q.get(k) ?? undefined;
  return { limit: get("limit"), offset: get("offset"), search: get("search") || undefined };
}

/** `from_memory=true` (only that literal switches it on, like Bifrost). */
export const fromMemory = (q: URLSearchParams) => q.get("from_memory") === "true";

/**
 * `from_memory=true` (Bifrost's in-memory snapshot; we serve it from the database): teams, customers,
 * budgets and rate limits come back as an object keyed by id instead of an array (spec §2.0 gotcha).
 */
export function memoryMap(body: Record<string, unknown>, plural: string): Record<string, unknown> {
  const items = body[plural] as { id: string }[];
  return { ...body, [plural]: Object.fromEntries(items.map((i) => [i.id, i])) };
}
