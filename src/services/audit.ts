/**
 * The audit log: every governance write records one AuditEvent in its own transaction (who, what, the changed
 * fields before and after with secrets redacted, request id, client address). Services call audited() around
 * their transaction (or recordAudit() inside one); the table refuses UPDATE/DELETE except the retention purge.
 * Enforcement counters (/check, /usage) are usage, not governance changes: they are not audited.
 */
import { db, type Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import { Prisma, type AuditEvent } from "../generated/prisma/client.js";
import { authorizeCtx, type Action, type ResourceType } from "./access.js";
import { ValidationError } from "./errors.js";
import { listPage, parsePage, type Paged } from "./pagination.js";
import { isUuid } from "./validation.js";

export type AuditEntity =
  | "Customer"
  | "Team"
  | "VirtualKey"
  | "Provider"
  | "ProviderKey"
  | "McpClient"
  | "ModelConfig"
  | "ProviderGovernance"
  | "Budget"
  | "ManagementKey"
  | "PricingOverride"
  | "ModelPrice";

const limits = { budgets: true, rateLimit: true } as const;
const pcInclude = { ...limits, keys: { select: { providerKey: { select: { keyId: true } } } } } as const;

interface EntitySpec {
  resource: ResourceType;
  /** The entity as the audit diff shows it (null when absent). */
  load(tx: Tx, id: string): Promise<object | null>;
  /** The customer a row belongs to (customer-admin scoping); absent for global entities. */
  customerOf?(row: object): string | null;
}

type VkOwner = { customerId: string | null; team: { customerId: string | null } | null };
const uuidOr = <T>(id: string, f: () => Promise<T>) => (isUuid(id) ? f() : Promise.resolve(null));

export const ENTITIES: Record<AuditEntity, EntitySpec> = {
  Customer: {
    resource: "customer",
    load: (tx, id) => uuidOr(id, () => tx.customer.findUnique({ where: { id }, include: limits })),
    customerOf: (row) => (row as { id: string }).id,
  },
  Team: {
    resource: "team",
    load: (tx, id) => uuidOr(id, () => tx.team.findUnique({ where: { id }, include: limits })),
    customerOf: (row) => (row as { customerId: string | null }).customerId,
  },
  VirtualKey: {
    resource: "virtualKey",
    load: (tx, id) =>
      uuidOr(id, () =>
        tx.virtualKey.findUnique({
          where: { id },
          include: {
            ...limits,
            team: { select: { customerId: true } },
            providerConfigs: { include: pcInclude, orderBy: { id: "asc" } },
            mcpConfigs: { include: { mcpClient: { select: { name: true } } }, orderBy: { id: "asc" } },
          },
        }),
      ),
    customerOf: (row) => (row as VkOwner).customerId ?? (row as VkOwner).team?.customerId ?? null,
  },
  Provider: { resource: "provider", load: (tx, name) => tx.provider.findUnique({ where: { name } }) },
  ProviderKey: { resource: "providerKey", load: (tx, keyId) => uuidOr(keyId, () => tx.providerKey.findUnique({ where: { keyId } })) },
  McpClient: { resource: "mcpClient", load: (tx, name) => tx.mcpClient.findUnique({ where: { name } }) },
  ModelConfig: { resource: "modelConfig", load: (tx, id) => uuidOr(id, () => tx.modelConfig.findUnique({ where: { id }, include: limits })) },
  ProviderGovernance: { resource: "providerGovernance", load: (tx, name) => tx.provider.findUnique({ where: { name }, include: limits }) },
  Budget: {
    resource: "virtualKey",
    load: (tx, id) =>
      uuidOr(id, () =>
        tx.budget.findUnique({
          where: { id },
          include: {
            virtualKey: { select: { customerId: true, team: { select: { customerId: true } } } },
            providerConfig: { select: { virtualKey: { select: { customerId: true, team: { select: { customerId: true } } } } } },
          },
        }),
      ),
    customerOf: (row) => {
      const b = row as { virtualKey: VkOwner | null; providerConfig: { virtualKey: VkOwner } | null };
      const vk = b.virtualKey ?? b.providerConfig?.virtualKey ?? null;
      return vk ? (vk.customerId ?? vk.team?.customerId ?? null) : null;
    },
  },
  ManagementKey: { resource: "managementKey", load: (tx, id) => uuidOr(id, () => tx.managementKey.findUnique({ where: { id } })) },
  PricingOverride: { resource: "pricing", load: (tx, id) => (id.length <= 64 ? tx.pricingOverride.findUnique({ where: { id } }) : Promise.resolve(null)) },
  /** id: `provider/model` (provider names have no slash). */
  ModelPrice: {
    resource: "pricing",
    load: (tx, id) => {
      const slash = id.indexOf("/");
      return tx.modelPrice.findUnique({ where: { provider_model: { provider: id.slice(0, slash), model: id.slice(slash + 1) } } });
    },
  },
};

/** Field names whose values are secrets wherever they appear (provider key values and credentials, key hashes). */
const SECRET_FIELDS = new Set(["value", "valueHash", "clientId", "clientSecret", "tenantId", "authCredentials", "accessKey", "secretKey", "sessionToken"]);
/** Maps whose every value is a secret (MCP header values). */
const SECRET_MAPS = new Set(["headers"]);
/** Bookkeeping that changes on every write: left out of diffs. */
const NOISE = new Set(["updatedAt", "configHash", "lastUsedAt", "team"]);
export const REDACTED = "[redacted]";

const ENV_REF = /^env\.[A-Za-z_][A-Za-z0-9_]*$/;
const redactSecret = (v: unknown) => (v === null || v === undefined ? null : typeof v === "string" && ENV_REF.test(v) ? v : REDACTED);

/** A JSON-safe copy: dates as ISO strings, decimals and bigints as strings, secrets redacted (env.NAME kept). */
export function redact(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (key && SECRET_FIELDS.has(key)) return redactSecret(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Prisma.Decimal.isDecimal(value)) return (value).toString();
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (key && SECRET_MAPS.has(key)) return Object.fromEntries(entries.map(([k, v]) => [k, redactSecret(v)]));
    return Object.fromEntries(entries.map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

export type Changes = Record<string, { before: unknown; after: unknown }>;

/** The top-level fields that differ, each redacted. A secret that changed shows as "[redacted]" on both sides. */
export function diff(before: object | null, after: object | null): Changes {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: Changes = {};
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (NOISE.has(k)) continue;
    const rb = before ? redact(b[k], k) : null;
    const ra = after ? redact(a[k], k) : null;
    const sameRaw = JSON.stringify(redactRaw(b[k])) === JSON.stringify(redactRaw(a[k]));
    if (before && after && sameRaw) continue;
    if (!before && ra === null) continue;
    if (!after && rb === null) continue;
    changes[k] = { before: rb, after: ra };
  }
  return changes;
}

/** For comparing only: values JSON-safe, secrets kept (never stored). */
const redactRaw = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v ?? null, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));

export interface AuditRecord {
  action: string;
  /** "Governance": a whole config.json import. */
  entityType: AuditEntity | "Governance";
  entityId: string;
  before: object | null;
  after: object | null;
}

/** Writes one audit event with `tx` (the caller's transaction). */
export async function recordAudit(tx: Tx, ctx: RequestContext, r: AuditRecord): Promise<void> {
  const p = ctx.principal;
  await tx.auditEvent.create({
    data: {
      principalId: p?.id ?? "anonymous",
      principalName: p?.name ?? "anonymous",
      principalRole: p?.role ?? "none",
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId.slice(0, 255),
      changes: diff(r.before, r.after) as Prisma.InputJsonObject,
      requestId: ctx.requestId.slice(0, 128),
      clientAddress: ctx.clientAddress?.slice(0, 64) ?? null,
    },
  });
}

export interface AuditedWrite<R> {
  action: "create" | "update" | "delete" | "rotate" | "set-override" | "clear-override";
  entity: AuditEntity;
  /** The addressed entity (update, delete); for a create, `idOf` names it from the result. */
  id?: string;
  /** The entity's id after the write (a create's new id, a rename's new name). */
  idOf?: (result: R) => string;
}

const accessOf: Record<AuditedWrite<unknown>["action"], Action> = {
  create: "create",
  update: "update",
  delete: "delete",
  rotate: "update",
  "set-override": "update",
  "clear-override": "update",
};

/**
 * Runs `work` in one transaction that also records the audit event, after checking the caller's role on the
 * entity kind and, for a customer-admin, that the entity belongs to its customer before and after the write
 * (another customer's entity answers 404 as if absent; the transaction rolls back).
 */
export async function audited<R>(ctx: RequestContext, w: AuditedWrite<R>, work: (tx: Tx) => Promise<R>): Promise<R> {
  const spec = ENTITIES[w.entity];
  const action = accessOf[w.action];
  authorizeCtx(ctx, action, { type: spec.resource });
  return db.$transaction(async (tx) => {
    const before = w.id === undefined ? null : await spec.load(tx, w.id);
    if (before && spec.customerOf) authorizeCtx(ctx, action, { type: spec.resource, customerId: spec.customerOf(before) });
    const result = await work(tx);
    const id = w.idOf ? w.idOf(result) : w.id!;
    const after = w.action === "delete" ? null : await spec.load(tx, id);
    if (after && spec.customerOf) authorizeCtx(ctx, action, { type: spec.resource, customerId: spec.customerOf(after) });
    await recordAudit(tx, ctx, { action: w.action, entityType: w.entity, entityId: id, before, after });
    return result;
  });
}

/** Deletes events older than `days` (the trigger admits it only with the transaction-local purge setting). */
export async function purgeAuditEvents(days: number, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT set_config('governance.audit_purge', 'on', true)`;
    const { count } = await tx.auditEvent.deleteMany({ where: { createdAt: { lt: cutoff } } });
    return count;
  });
}

export interface AuditQuery {
  entityType?: string | undefined;
  entityId?: string | undefined;
  principalId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export function auditWhere(q: AuditQuery): Prisma.AuditEventWhereInput {
  return {
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.principalId ? { principalId: q.principalId } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
  };
}

export type { AuditEvent };

export interface AuditListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  principalId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function time(value: string | undefined, field: string): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new ValidationError(`${field} must be an ISO-8601 time`, [{ path: [field], message: `${field} must be an ISO-8601 time` }]);
  return d;
}

/** Audit events, newest first, paged like the other lists; filters: entity, principal, action, time range [from, to). */
export async function listAuditEvents(ctx: RequestContext, q: AuditListQuery): Promise<Paged<AuditEvent>> {
  authorizeCtx(ctx, "read", { type: "audit" });
  const where = auditWhere({ ...q, from: time(q.from, "from"), to: time(q.to, "to") });
  const page = parsePage(q, true); // always paged: the log grows without bound
  return listPage(page, (args) => db.auditEvent.findMany({ where, ...args, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }), () => db.auditEvent.count({ where }));
}
