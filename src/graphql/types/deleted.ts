import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../builder.js";

export interface Deleted {
  /** GraphQL type name of the deleted node (for its global id); null for types that are not nodes. */
  typename: string | null;
  id: string | number;
}

export const DeletedPayload = builder.objectRef<Deleted>("DeletedPayload").implement({
  description: "What a delete removed.",
  fields: (t) => ({
    deletedId: t.string({ description: "The deleted row's database id (UUID, name or number as text).", resolve: (d) => String(d.id) }),
    deletedNodeId: t.id({
      nullable: true,
      description: "The deleted node's global id, to evict it from a client cache.",
      resolve: (d) => (d.typename ? encodeGlobalID(d.typename, d.id) : null),
    }),
  }),
});
