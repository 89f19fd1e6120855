/**
 * Update transactions lock the row they change before reading it (issue #9): a concurrent DELETE either
 * committed first (the update answers 404) or waits for the update to commit (then deletes). Without the lock, an
 * update could read the row, lose it to a DELETE, and fail on a foreign key with a misleading 400 or a 500.
 */
import type { Tx } from "../db/client.js";

/** The rows updates lock, by their addressing column (fixed names: nothing here comes from a caller). */
const KEYS = {
  Customer: `"id" = $1::uuid`,
  Team: `"id" = $1::uuid`,
  VirtualKey: `"id" = $1::uuid`,
  ModelConfig: `"id" = $1::uuid`,
  Provider: `"name" = $1`,
  McpClient: `"name" = $1`,
  ProviderKey: `"keyId" = $1::uuid AND "provider" = $2`,
} as const;

/** Locks the row (SELECT … FOR UPDATE) inside `tx`; false when it does not exist (the caller answers 404). */
export async function lockRow(tx: Tx, table: keyof typeof KEYS, ...key: string[]): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${table}" WHERE ${KEYS[table]} FOR UPDATE`, ...key);
  return rows.length > 0;
}
