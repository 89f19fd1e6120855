import { deleteVirtualKey, rotateVirtualKey, updateVirtualKey } from "../services/virtual-key-updates.js";
import { createVirtualKey, getVirtualKey, listVirtualKeysJson } from "../services/virtual-keys.js";
import { listQuery } from "./query.js";
import { json, jsonText, type Route } from "./http.js";
import { listEnvelopeBytes, virtualKey } from "./serialize.js";

export const virtualKeyRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/virtual-keys",
    access: { action: "read", resource: "virtualKey" },
    handler: async ({ ctx, query }) => {
      const page = await listVirtualKeysJson(ctx, {
        ...listQuery(query),
        teamId: query.get("team_id") || undefined,
        customerId: query.get("customer_id") || undefined,
      });
      return jsonText(listEnvelopeBytes("virtual_keys", page));
    },
  },
  {
    method: "POST",
    path: "/api/governance/virtual-keys",
    access: { action: "create", resource: "virtualKey" },
    handler: async ({ ctx, body }) => {
      const created = await createVirtualKey(ctx, await body());
      return json({ message: "Virtual key created successfully", virtual_key: virtualKey(created.key, created.value) });
    },
  },
  {
    method: "GET",
    path: "/api/governance/virtual-keys/:id",
    access: { action: "read", resource: "virtualKey" },
    handler: async ({ ctx, params }) => json({ virtual_key: virtualKey(await getVirtualKey(ctx, params.id!)) }),
  },
  {
    method: "PUT",
    path: "/api/governance/virtual-keys/:id",
    access: { action: "update", resource: "virtualKey" },
    handler: async ({ ctx, params, body }) => {
      const updated = await updateVirtualKey(ctx, params.id!, await body());
      return json({ message: "Virtual key updated successfully", virtual_key: virtualKey(updated) });
    },
  },
  {
    method: "DELETE",
    path: "/api/governance/virtual-keys/:id",
    access: { action: "delete", resource: "virtualKey" },
    handler: async ({ ctx, params }) => {
      await deleteVirtualKey(ctx, params.id!);
      return json({ message: "Virtual key deleted successfully" });
    },
  },
  {
    method: "POST",
    path: "/api/governance/virtual-keys/:id/rotate",
    access: { action: "update", resource: "virtualKey" },
    handler: async ({ ctx, params }) => {
      const rotated = await rotateVirtualKey(ctx, params.id!);
      return json({ message: "Virtual key rotated successfully", virtual_key: virtualKey(rotated.key, rotated.value) });
    },
  },
];
