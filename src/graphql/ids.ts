/**
 * Entity ids in GraphQL arguments: every argument that names a customer, team, virtual key or model config
 * accepts its database UUID or the relay `id` a query returned (`base64("Type:uuid")`). One decoder for all.
 * Anything else (a malformed id, another type's relay id) is passed on unchanged, so the service answers
 * it as it answers an unknown UUID: null on reads, NotFoundError / "not found" on writes.
 */
import { decodeGlobalID } from "@pothos/plugin-relay";
import { isUuid } from "../services/validation.js";

export type NodeType = "Customer" | "Team" | "VirtualKey" | "ModelConfig";

export function entityId(value: string, type: NodeType): string {
  if (isUuid(value)) return value;
  try {
    const { typename, id } = decodeGlobalID(value);
    if (typename === type && isUuid(id)) return id;
  } catch {
    /* not a relay id */
  }
  return value;
}

/** The same for owner fields of an input object (`teamId`, `customerId`); null/undefined stay as they are. */
export function withEntityIds<T extends object>(input: T): T {
  const out = { ...input } as Record<string, unknown>;
  for (const [field, type] of [["teamId", "Team"], ["customerId", "Customer"]] as const) {
    const v = out[field];
    if (typeof v === "string" && v.trim() !== "") out[field] = entityId(v.trim(), type);
  }
  return out as T;
}
