/**
 * Management API keys (`sk-gov-…`): generated here, shown once, stored as SHA-256 plus display parts (like
 * virtual keys). Admin only (REST /api/admin/keys, GraphQL managementKeys / createManagementKey /
 * revokeManagementKey). A revoked or expired key stops working at once on this instance; other instances see it
 * at their next lookup (keys are looked up per request, never cached).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { ManagementKey } from "../generated/prisma/client.js";
import { hashKey, maskKey } from "../lib/api-keys.js";
import { authorizeCtx, ROLES } from "./access.js";
import { recordAudit } from "./audit.js";
import { NotFoundError, ValidationError } from "./errors.js";
import { listPage, parsePage, type Paged } from "./pagination.js";
import { fail, isUuid, parseInput } from "./validation.js";

export const MANAGEMENT_KEY_PREFIX = "sk-gov-";

export const hasManagementKeyPrefix = (value: string) => value.startsWith(MANAGEMENT_KEY_PREFIX);

export const createManagementKeySchema = z
  .strictObject({
    name: z.string().optional(),
    role: z.string().optional(),
    customerId: z.string().nullable().optional(),
    expiresAt: z.union([z.string(), z.date()]).nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.name?.trim()) return fail(ctx, ["name"], "Key name is required");
    if (v.name.trim().length > 255) return fail(ctx, ["name"], "Key name must be at most 255 characters");
    if (!ROLES.includes(v.role as never)) return fail(ctx, ["role"], `role must be one of ${ROLES.join(", ")}`);
    if (v.role === "customer-admin" && !v.customerId) return fail(ctx, ["customerId"], "customer_id is required for the customer-admin role");
    if (v.role !== "customer-admin" && v.customerId) return fail(ctx, ["customerId"], "customer_id is only valid for the customer-admin role");
    if (v.expiresAt != null && Number.isNaN(new Date(v.expiresAt).getTime())) return fail(ctx, ["expiresAt"], "expires_at must be an ISO-8601 time");
  });

/** A key as every read shows it: never the value or its hash. */
export interface ManagementKeyView {
  id: string;
  name: string;
  role: string;
  customerId: string | null;
  maskedValue: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export const viewOf = (k: ManagementKey): ManagementKeyView => ({
  id: k.id,
  name: k.name,
  role: k.role,
  customerId: k.customerId,
  maskedValue: maskKey(k.valuePrefix, k.valueSuffix),
  expiresAt: k.expiresAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
  createdAt: k.createdAt,
});

/** Creates a key; the returned `value` is shown this once and never again. */
export async function createManagementKey(ctx: RequestContext, input: unknown): Promise<{ key: ManagementKeyView; value: string }> {
  authorizeCtx(ctx, "create", { type: "managementKey" });
  const v = parseInput(createManagementKeySchema, input);
  const value = MANAGEMENT_KEY_PREFIX + randomBytes(24).toString("base64url");
  const row = await db.$transaction(async (tx) => {
    if (v.customerId && !(isUuid(v.customerId) && (await tx.customer.findUnique({ where: { id: v.customerId }, select: { id: true } })))) {
      throw new ValidationError(`Customer not found: ${v.customerId}`, [{ path: ["customerId"], message: `Customer not found: ${v.customerId}` }]);
    }
    const created = await tx.managementKey.create({
      data: {
        name: v.name!.trim(),
        role: v.role!,
        customerId: v.customerId ?? null,
        valueHash: hashKey(value),
        valuePrefix: value.slice(0, 11),
        valueSuffix: value.slice(-4),
        expiresAt: v.expiresAt == null ? null : new Date(v.expiresAt),
      },
    });
    await recordAudit(tx, ctx, { action: "create", entityType: "ManagementKey", entityId: created.id, before: null, after: viewOf(created) });
    return created;
  });
  keysChanged();
  return { key: viewOf(row), value };
}

export interface ManagementKeyListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
}

export async function listManagementKeys(ctx: RequestContext, q: ManagementKeyListQuery): Promise<Paged<ManagementKeyView>> {
  authorizeCtx(ctx, "read", { type: "managementKey" });
  const page = parsePage(q, false);
  const paged = await listPage(page, (args) => db.managementKey.findMany(args), () => db.managementKey.count());
  return { ...paged, items: paged.items.map(viewOf) };
}

export async function getManagementKey(ctx: RequestContext, id: string): Promise<ManagementKeyView> {
  authorizeCtx(ctx, "read", { type: "managementKey" });
  const row = isUuid(id) ? await db.managementKey.findUnique({ where: { id } }) : null;
  if (!row) throw new NotFoundError("Management key");
  return viewOf(row);
}

/** Revokes a key (kept, with `revokedAt`, so the audit log can still name it). Revoking twice keeps the first time. */
export async function revokeManagementKey(ctx: RequestContext, id: string): Promise<ManagementKeyView> {
  authorizeCtx(ctx, "delete", { type: "managementKey" });
  const row = await db.$transaction(async (tx) => {
    const before = isUuid(id) ? await tx.managementKey.findUnique({ where: { id } }) : null;
    if (!before) throw new NotFoundError("Management key");
    if (before.revokedAt) return before;
    const after = await tx.managementKey.update({ where: { id }, data: { revokedAt: ctx.now() } });
    await recordAudit(tx, ctx, { action: "revoke", entityType: "ManagementKey", entityId: id, before: viewOf(before), after: viewOf(after) });
    return after;
  });
  keysChanged();
  return viewOf(row);
}

/** The key with this value, whatever its state (the caller checks expiry and revocation). */
export async function findManagementKey(value: string): Promise<ManagementKey | null> {
  return db.managementKey.findUnique({ where: { valueHash: hashKey(value) } });
}

/** Records use at most once a minute per key (a write per request would be a hot spot). */
export async function touchManagementKey(id: string, now: Date): Promise<void> {
  await db.managementKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] }, data: { lastUsedAt: now } });
}

let activeCache: { at: number; value: boolean } | undefined;
const ACTIVE_CACHE_MS = 2_000;

function keysChanged(): void {
  activeCache = undefined;
}

/** Whether any unrevoked, unexpired key exists (cached for 2 s; reset at once by a create or revoke here). */
export async function hasActiveManagementKeys(now: Date): Promise<boolean> {
  if (activeCache && now.getTime() - activeCache.at < ACTIVE_CACHE_MS) return activeCache.value;
  const found = await db.managementKey.findFirst({
    where: { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true },
  });
  activeCache = { at: now.getTime(), value: found !== null };
  return activeCache.value;
}
