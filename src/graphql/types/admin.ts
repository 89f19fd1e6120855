/** Management keys (admin only) and the audit log (admin and viewer). */
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { db } from "../../db/client.js";
import { auditWhere, type AuditEvent } from "../../services/audit.js";
import { createManagementKey, listManagementKeys, revokeManagementKey, type ManagementKeyView } from "../../services/management-keys.js";
import { builder } from "../builder.js";
import { mutationErrors } from "../errors.js";

const ManagementKey = builder.objectRef<ManagementKeyView>("ManagementKey").implement({
  description: "A management API key. Its value is shown once, by createManagementKey; reads show `maskedValue`.",
  fields: (t) => ({
    id: t.exposeString("id"),
    name: t.exposeString("name"),
    role: t.exposeString("role", { description: "admin, viewer, customer-admin or gateway." }),
    customerId: t.exposeString("customerId", { nullable: true, description: "The customer of a customer-admin key." }),
    maskedValue: t.exposeString("maskedValue"),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const CreatedManagementKey = builder.objectRef<{ key: ManagementKeyView; value: string }>("CreateManagementKeyPayload").implement({
  fields: (t) => ({
    key: t.field({ type: ManagementKey, resolve: (p) => p.key }),
    value: t.exposeString("value", { description: "The full key value: shown only in this response." }),
  }),
});

const RevokedManagementKey = builder.objectRef<ManagementKeyView>("RevokeManagementKeyPayload").implement({
  fields: (t) => ({ key: t.field({ type: ManagementKey, resolve: (k) => k }) }),
});

const CreateManagementKeyInput = builder.inputType("CreateManagementKeyInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.string({ required: true, description: "admin, viewer, customer-admin or gateway." }),
    customerId: t.string({ description: "Required for customer-admin, refused for the other roles." }),
    expiresAt: t.field({ type: "DateTime" }),
  }),
});

const AuditEventRef = builder.objectRef<AuditEvent>("AuditEvent").implement({
  description: "One governance write: who, what, the changed fields (secrets redacted), from where.",
  fields: (t) => ({
    id: t.exposeString("id"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    principalId: t.exposeString("principalId", { description: "A management key id, env:ADMIN_TOKEN, env:ADMIN_USERNAME, env:GATEWAY_TOKEN or local." }),
    principalName: t.exposeString("principalName"),
    principalRole: t.exposeString("principalRole"),
    action: t.exposeString("action"),
    entityType: t.exposeString("entityType"),
    entityId: t.exposeString("entityId"),
    changes: t.string({ description: "JSON `{ field: { before, after } }` of the changed fields.", resolve: (e) => JSON.stringify(e.changes) }),
    requestId: t.exposeString("requestId"),
    clientAddress: t.exposeString("clientAddress", { nullable: true }),
  }),
});

const AuditEventFilter = builder.inputType("AuditEventFilter", {
  fields: (t) => ({
    entityType: t.string(),
    entityId: t.string(),
    principalId: t.string(),
    action: t.string(),
    from: t.field({ type: "DateTime", description: "Inclusive." }),
    to: t.field({ type: "DateTime", description: "Exclusive." }),
  }),
});

builder.queryFields((t) => ({
  managementKeys: t.field({
    authScopes: { can: "read:managementKey" },
    type: [ManagementKey],
    description: "Every management key, oldest first (revoked ones included).",
    resolve: async (_root, _args, ctx) => (await listManagementKeys(ctx, { limit: "100", offset: "0" })).items,
  }),
  auditEvents: t.connection(
    {
      authScopes: { can: "read:audit" },
      type: AuditEventRef,
      description: "The audit log, newest first.",
      args: { filter: t.arg({ type: AuditEventFilter }) },
      resolve: async (_root, args) => {
        const f = args.filter ?? {};
        const where = auditWhere({
          entityType: f.entityType ?? undefined,
          entityId: f.entityId ?? undefined,
          principalId: f.principalId ?? undefined,
          action: f.action ?? undefined,
          from: f.from ?? undefined,
          to: f.to ?? undefined,
        });
        return resolveOffsetConnection({ args }, ({ limit, offset }) =>
          db.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, skip: offset }),
        );
      },
    },
    { name: "AuditEventConnection" },
    { name: "AuditEventEdge" },
  ),
}));

builder.mutationFields((t) => ({
  createManagementKey: t.field({
    authScopes: { can: "create:managementKey" },
    type: CreatedManagementKey,
    args: { input: t.arg({ type: CreateManagementKeyInput, required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "CreateManagementKeyResult" } },
    resolve: (_root, { input }, ctx) =>
      createManagementKey(ctx, { name: input.name, role: input.role, customerId: input.customerId ?? undefined, expiresAt: input.expiresAt ?? undefined }),
  }),
  revokeManagementKey: t.field({
    authScopes: { can: "delete:managementKey" },
    type: RevokedManagementKey,
    args: { id: t.arg.string({ required: true }) },
    errors: { types: mutationErrors, directResult: true, union: { name: "RevokeManagementKeyResult" } },
    resolve: (_root, { id }, ctx) => revokeManagementKey(ctx, id),
  }),
}));
