/** Stored rows with their sealed secrets opened (test key), so tests can compare what was stored. */
import { decrypt, isEncrypted } from "../../src/lib/crypto.js";
import { TEST_ENCRYPTION_KEY } from "./setup.js";

export function opened<T>(value: T): T {
  if (typeof value === "string") return (isEncrypted(value) ? decrypt(value, TEST_ENCRYPTION_KEY) : value) as T;
  if (Array.isArray(value)) return value.map(opened) as T;
  if (value && typeof value === "object" && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, opened(v)])) as T;
  }
  return value;
}
