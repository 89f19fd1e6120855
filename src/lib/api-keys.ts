import { createHash, randomUUID } from "node:crypto";

/** Virtual key values: `sk-bf-` + UUID v4. Only the SHA-256 and display parts are ever stored. */
export const VK_PREFIX = "sk-bf-";

export interface IssuedKey {
  /** The full value: returned once (create/rotate), never stored. */
  value: string;
  hash: string;
  prefix: string;
  suffix: string;
}

export function hashKey(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

export function issueVirtualKey(): IssuedKey {
  const value = VK_PREFIX + randomUUID();
  return { value, hash: hashKey(value), prefix: value.slice(0, 10), suffix: value.slice(-4) };
}

/** The masked form shown on every read after creation: `sk-bf-xxxx…yyyy`. */
export function maskKey(prefix: string, suffix: string): string {
  return `${prefix}…${suffix}`;
}

/** True when `value` looks like a virtual key (prefix check is case-insensitive, spec §3.1). */
export function hasVkPrefix(value: string): boolean {
  return value.slice(0, VK_PREFIX.length).toLowerCase() === VK_PREFIX;
}
