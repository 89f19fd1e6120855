/** Management API keys (admin only): `/api/admin/keys`. The value is in the create response only. */
import type { ManagementKeyView } from "../services/management-keys.js";
import { createManagementKey, getManagementKey, listManagementKeys, revokeManagementKey } from "../services/management-keys.js";
import { json, type Route } from "./http.js";
import { listEnvelope } from "./serialize.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const managementKey = (k: ManagementKeyView) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  customer_id: k.customerId,
  value: k.maskedValue,
  expires_at: iso(k.expiresAt),
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
  created_at: k.createdAt.toISOString(),
});

export const adminKeyRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/admin/keys",
    access: { action: "read", resource: "managementKey" },
    handler: async ({ ctx, query }) => json(listEnvelope("keys", await listManagementKeys(ctx, { limit: query.get("limit") ?? undefined, offset: query.get("offset") ?? undefined }), managementKey)),
  },
  {
    method: "POST",
    path: "/api/admin/keys",
    access: { action: "create", resource: "managementKey" },
    handler: async ({ ctx, body }) => {
      const { key, value } = await createManagementKey(ctx, await body());
      return json({ message: "Management key created: the value is shown only now", key: { ...managementKey(key), value } });
    },
  },
  {
    method: "GET",
    path: "/api/admin/keys/:id",
    access: { action: "read", resource: "managementKey" },
    handler: async ({ ctx, params }) => json({ key: managementKey(await getManagementKey(ctx, params.id!)) }),
  },
  {
    method: "DELETE",
    path: "/api/admin/keys/:id",
    access: { action: "delete", resource: "managementKey" },
    handler: async ({ ctx, params }) => json({ message: "Management key revoked", key: managementKey(await revokeManagementKey(ctx, params.id!)) }),
  },
];
