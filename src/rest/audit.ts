/** `GET /api/governance/audit-logs` (Bifrost EE's path): newest first, paged like the other lists. */
import type { AuditEvent } from "../services/audit.js";
import { listAuditEvents } from "../services/audit.js";
import { json, type Route } from "./http.js";
import { listEnvelope } from "./serialize.js";

export const auditEvent = (e: AuditEvent) => ({
  id: e.id,
  created_at: e.createdAt.toISOString(),
  principal: { id: e.principalId, name: e.principalName, role: e.principalRole },
  action: e.action,
  entity_type: e.entityType,
  entity_id: e.entityId,
  changes: e.changes,
  request_id: e.requestId,
  client_address: e.clientAddress,
});

export const auditRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/audit-logs",
    access: { action: "read", resource: "audit" },
    handler: async ({ ctx, query }) => {
      const q = (name: string) => query.get(name) ?? undefined;
      const page = await listAuditEvents(ctx, {
        limit: q("limit"),
        offset: q("offset"),
        entityType: q("entity_type"),
        entityId: q("entity_id"),
        principalId: q("principal_id"),
        action: q("action"),
        from: q("from"),
        to: q("to"),
      });
      return json(listEnvelope("audit_logs", page, auditEvent));
    },
  },
];
