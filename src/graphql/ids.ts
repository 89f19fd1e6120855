/**
 * Entity ids in GraphQL arguments: every argument that names a customer, team, virtual key or model config
 * accepts its database UUID or the relay `id` a query returned (`base64("Type:uuid")`). One decoder for all.
 * Anything else (a malformed id, another type's relay id) is passed on unchanged, so the service answers
 * it as it answers an unknown UUID: null on reads, NotFoundError / "not found" on writes.
 */
import { decodeGlobalID } from "@pothos/plugin-relay";
import { NotFoundError } from "../services/errors.js";
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

const NODE_TYPES: readonly string[] = ["Customer", "Team", "VirtualKey", "ModelConfig"] satisfies NodeType[];

/**
 * The relay plugin's decodeGlobalID (builder.ts), for `node` and `nodes`: an id that is not base64 of
 * `<one of our node types>:<uuid>` is a NotFoundError (code NOT_FOUND), never an internal error (issue #9).
 */
export function decodeGlobalId(globalID: string): { typename: string; id: string } {
  try {
    const { typename, id } = decodeGlobalID(globalID);
    if (NODE_TYPES.includes(typename) && isUuid(id)) return { typename, id };
  } catch {
    /* not a relay id */
  }
  throw new NotFoundError("Node", "Node not found: malformed or unknown id");
}

/**
 * For a prismaField resolver that answers null without a query (the id was malformed): marks Pothos' `query` as
 * used, since there was nothing to load (otherwise plugin-prisma reports "Prisma query was unused", issue #9).
 */
export function noRow(query: object): null {
  void { ...query }; // reading the fields is what marks the query used
  return null;
}
