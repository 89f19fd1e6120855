/**
 * Virtual keys: what an app presents to the gateway. A key belongs to a team or a customer, never
 * both. Creation writes the key, its budgets, rate limit, provider configs (with their own limits and
 * allowed provider keys) and MCP configs in ONE transaction. The key value is returned once.
 */
import { z } from "zod";
import { db, rawSql, type Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import { issueVirtualKey } from "../lib/api-keys.js";
import { authorizeCtx, customerScope, scopeWhere } from "./access.js";
import { audited } from "./audit.js";
import { NotFoundError, ValidationError } from "./errors.js";
import { createLimits, requestedBudgets } from "./limits.js";
import { listPageByIds, parsePage, toJsonPaged, toPaged, type JsonPaged, type Paged } from "./pagination.js";
import { rethrowUniqueName } from "./prisma-errors.js";
import { virtualKeyInclude, type VirtualKeyRow } from "./shapes.js";
import { virtualKeysJsonSql } from "./virtual-key-json.js";
import { assertCustomerExists } from "./teams.js";
import {
  BUDGET_AND_BUDGETS,
  budgetCreateShape,
  checkAllowList,
  checkBudgetList,
  checkModelPatterns,
  checkNewBudget,
  checkRateLimit,
  fail,
  isUuid,
  ownerRef,
  parseInput,
  providerConfigBudgetMessages,
  rateLimitShape,
} from "./validation.js";
import { likeLiteral, MAX_PROVIDER, text } from "./text.js";

const allowList = z.array(z.string());

export const providerConfigShape = z.strictObject({
  id: z.number().int().optional(),
  provider: text(MAX_PROVIDER).optional(),
  weight: z.number().finite().nullable().optional(),
  allowedModels: allowList.optional(),
  blacklistedModels: allowList.optional(),
  keyIds: allowList.optional(),
  budget: budgetCreateShape.optional(),
  budgets: z.array(budgetCreateShape).optional(),
  rateLimit: rateLimitShape.optional(),
});
export type ProviderConfigInput = z.output<typeof providerConfigShape>;

export const mcpConfigShape = z.strictObject({
  id: z.number().int().optional(),
  mcpClientName: text().optional(),
  toolsToExecute: allowList.optional(),
});
export type McpConfigInput = z.output<typeof mcpConfigShape>;

/** Checks of provider_configs / mcp_configs shared by create and update (`patch`: entries with an id are edits). */
export function checkConfigs(
  ctx: z.core.$RefinementCtx,
  v: { providerConfigs?: ProviderConfigInput[] | undefined; mcpConfigs?: McpConfigInput[] | undefined },
  patch = false,
): void {
  v.providerConfigs?.forEach((pc, i) => {
    const at = ["providerConfigs", i];
    if (!pc.provider?.trim()) return fail(ctx, [...at, "provider"], "provider is required for every provider config");
    if (!/^[a-z0-9][a-z0-9_.-]{0,49}$/i.test(pc.provider)) return fail(ctx, [...at, "provider"], `invalid provider name: ${pc.provider}`);
    if (pc.weight != null && pc.weight < 0) return fail(ctx, [...at, "weight"], `weight cannot be negative: ${pc.weight}`);
    checkAllowList(ctx, [...at, "allowedModels"], pc.allowedModels, `allowed_models for provider ${pc.provider}`);
    checkModelPatterns(ctx, [...at, "allowedModels"], pc.allowedModels, `allowed_models for provider ${pc.provider}`);
    checkAllowList(ctx, [...at, "blacklistedModels"], pc.blacklistedModels, `blacklisted_models for provider ${pc.provider}`);
    checkModelPatterns(ctx, [...at, "blacklistedModels"], pc.blacklistedModels, `blacklisted_models for provider ${pc.provider}`);
    checkAllowList(ctx, [...at, "keyIds"], pc.keyIds, `key_ids for provider ${pc.provider}`);
    if (patch && pc.budget && pc.budgets) return fail(ctx, [...at, "budgets"], BUDGET_AND_BUDGETS);
    // An existing config's limits are checked against its rows by updateLimits (src/services/limit-updates.ts).
    if (patch && pc.id !== undefined) return;
    if (pc.budget) checkNewBudget(ctx, [...at, "budget"], pc.budget, providerConfigBudgetMessages);
    if (pc.budgets) checkBudgetList(ctx, [...at, "budgets"], pc.budgets);
    if (pc.rateLimit) checkRateLimit(ctx, [...at, "rateLimit"], pc.rateLimit);
  });
  const names = new Set<string>();
  v.mcpConfigs?.forEach((m, i) => {
    const at = ["mcpConfigs", i];
    if (m.id === undefined || !patch) {
      if (!m.mcpClientName?.trim()) return fail(ctx, [...at, "mcpClientName"], "mcp_client_name is required for every MCP config");
    }
    if (m.mcpClientName !== undefined) {
      if (names.has(m.mcpClientName)) return fail(ctx, [...at, "mcpClientName"], `duplicate mcp_client_name: ${m.mcpClientName}`);
      names.add(m.mcpClientName);
    }
    checkAllowList(ctx, [...at, "toolsToExecute"], m.toolsToExecute, `tools_to_execute for mcp client ${m.mcpClientName ?? m.id}`);
  });
}

export const createVirtualKeySchema = z
  .strictObject({
    name: text().optional(),
    description: z.string().optional(),
    teamId: ownerRef,
    customerId: ownerRef,
    isActive: z.boolean().optional(),
    calendarAligned: z.boolean().optional(),
    allowAllProviders: z.boolean().optional(),
    disableContentLogging: z.boolean().nullable().optional(),
    budget: budgetCreateShape.optional(),
    budgets: z.array(budgetCreateShape).optional(),
    rateLimit: rateLimitShape.optional(),
    providerConfigs: z.array(providerConfigShape).optional(),
    mcpConfigs: z.array(mcpConfigShape).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.name?.trim()) return fail(ctx, ["name"], "Virtual key name is required");
    if (v.teamId !== undefined && v.customerId !== undefined) {
      return fail(ctx, ["teamId"], "VirtualKey cannot be attached to both Team and Customer");
    }
    if (v.budget) checkNewBudget(ctx, ["budget"], v.budget);
    if (v.budgets) checkBudgetList(ctx, ["budgets"], v.budgets);
    if (v.rateLimit) checkRateLimit(ctx, ["rateLimit"], v.rateLimit);
    checkConfigs(ctx, v);
  });
export type CreateVirtualKeyInput = z.input<typeof createVirtualKeySchema>;

/** The team exists and the caller may address it (another customer's team reads as absent for a customer-admin). */
export async function assertTeamExists(ctx: RequestContext, tx: Tx, id: string): Promise<void> {
  const found = isUuid(id) ? await tx.team.findFirst({ where: { id, ...scopeWhere.team(ctx) }, select: { id: true } }) : null;
  if (!found) throw new ValidationError(`Team not found: ${id}`, [{ path: ["teamId"], message: `Team not found: ${id}` }]);
}

/** Resolves `key_ids` (provider key_id UUIDs) for one provider; a count mismatch is Bifrost's 400. */
export async function resolveKeyIds(tx: Tx, provider: string, keyIds: string[], path: (string | number)[]): Promise<number[]> {
  const valid = keyIds.filter(isUuid);
  const found = valid.length ? await tx.providerKey.findMany({ where: { provider, keyId: { in: valid } }, select: { id: true } }) : [];
  if (found.length !== keyIds.length) {
    const message = `some keys not found for provider ${provider}: expected ${keyIds.length}, found ${found.length}`;
    throw new ValidationError(message, [{ path, message }]);
  }
  return found.map((k) => k.id);
}

/** Creates one provider config with its limits and key bindings (used by create and update). */
export async function createProviderConfig(tx: Tx, virtualKeyId: string, pc: ProviderConfigInput, index: number, aligned: boolean, now: Date): Promise<void> {
  const keyIds = pc.keyIds ?? ["*"];
  const allowAllKeys = keyIds.length === 1 && keyIds[0] === "*";
  const keyRows = allowAllKeys ? [] : await resolveKeyIds(tx, pc.provider!, keyIds, ["providerConfigs", index, "keyIds"]);
  const created = await tx.providerConfig.create({
    data: {
      virtualKeyId,
      provider: pc.provider!.trim(),
      weight: pc.weight ?? null,
      allowedModels: pc.allowedModels ?? ["*"],
      blacklistedModels: pc.blacklistedModels ?? [],
      allowAllKeys,
      keys: { create: keyRows.map((providerKeyId) => ({ providerKeyId })) },
    },
  });
  await createLimits(tx, { providerConfigId: created.id }, requestedBudgets(pc), pc.rateLimit, aligned, now);
}

/** Resolves an MCP client by name (400 naming it when unknown). */
export async function resolveMcpClient(tx: Tx, name: string, index: number): Promise<number> {
  const client = await tx.mcpClient.findUnique({ where: { name }, select: { id: true } });
  if (!client) throw new ValidationError(`MCP client not found: ${name}`, [{ path: ["mcpConfigs", index, "mcpClientName"], message: `MCP client not found: ${name}` }]);
  return client.id;
}

export interface CreatedVirtualKey {
  key: VirtualKeyRow;
  /** The full key value: shown once, never stored. */
  value: string;
}

/** Creates a key with everything nested in one transaction; any failure rolls all of it back. */
export async function createVirtualKey(ctx: RequestContext, input: unknown): Promise<CreatedVirtualKey> {
  const v = parseInput(createVirtualKeySchema, input);
  const now = ctx.now();
  const issued = issueVirtualKey();
  // A customer-admin's key without an owner belongs to its customer.
  const customerId = v.customerId ?? (v.teamId ? undefined : customerScope(ctx));
  const id = await audited(ctx, { action: "create", entity: "VirtualKey", idOf: (id: string) => id }, async (tx) => {
      if (v.teamId) await assertTeamExists(ctx, tx, v.teamId);
      if (customerId) await assertCustomerExists(ctx, tx, customerId);
      const vk = await tx.virtualKey.create({
        data: {
          name: v.name!.trim(),
          description: v.description ?? "",
          valueHash: issued.hash,
          valuePrefix: issued.prefix,
          valueSuffix: issued.suffix,
          isActive: v.isActive ?? true,
          teamId: v.teamId ?? null,
          customerId: customerId ?? null,
          calendarAligned: v.calendarAligned ?? false,
          allowAllProviders: v.allowAllProviders ?? false,
          disableContentLogging: v.disableContentLogging ?? null,
        },
      });
      await createLimits(tx, { virtualKeyId: vk.id }, requestedBudgets(v), v.rateLimit, vk.calendarAligned, now);
      for (const [i, pc] of (v.providerConfigs ?? []).entries()) {
        await createProviderConfig(tx, vk.id, pc, i, vk.calendarAligned, now);
      }
      for (const [i, m] of (v.mcpConfigs ?? []).entries()) {
        const mcpClientId = await resolveMcpClient(tx, m.mcpClientName!, i);
        await tx.mcpConfig.create({ data: { virtualKeyId: vk.id, mcpClientId, toolsToExecute: m.toolsToExecute ?? ["*"] } });
      }
      return vk.id;
    }).catch(rethrowUniqueName);
  return { key: await getVirtualKey(ctx, id), value: issued.value };
}

export async function getVirtualKey(ctx: RequestContext, id: string): Promise<VirtualKeyRow> {
  authorizeCtx(ctx, "read", { type: "virtualKey" });
  const row = isUuid(id) ? await db.virtualKey.findFirst({ where: { id, ...scopeWhere.virtualKey(ctx) }, include: virtualKeyInclude }) : null;
  if (!row) throw new NotFoundError("Virtual key");
  return row;
}

export interface VirtualKeyListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  search?: string | undefined;
  teamId?: string | undefined;
  customerId?: string | undefined;
}

/** The list's filters; `owners` empty with an owner filter given means no key can match (no valid id). */
function listFilters(ctx: RequestContext, q: VirtualKeyListQuery) {
  authorizeCtx(ctx, "read", { type: "virtualKey" });
  const page = parsePage(q, Boolean(q.search || q.teamId || q.customerId));
  const owners = [
    ...(q.teamId ? [{ teamId: q.teamId }] : []),
    ...(q.customerId ? [{ customerId: q.customerId }] : []),
  ].filter((o) => isUuid(Object.values(o)[0] as string));
  return { page, owners, none: Boolean(q.teamId || q.customerId) && owners.length === 0 };
}

/**
 * Lists keys; `teamId` and `customerId` combine with OR (Bifrost), `customerId` matches direct keys only. The
 * general path (rows for src/rest/serialize.ts); REST serves listVirtualKeysJson, tested to answer the same.
 */
export async function listVirtualKeys(ctx: RequestContext, q: VirtualKeyListQuery): Promise<Paged<VirtualKeyRow>> {
  const { page, owners, none } = listFilters(ctx, q);
  if (none) return toPaged([], 0, page);
  const where = {
    AND: [scopeWhere.virtualKey(ctx), owners.length ? { OR: owners } : {}],
    ...(q.search ? { name: { contains: likeLiteral(q.search), mode: "insensitive" as const } } : {}),
  };
  return listPageByIds(page, "VirtualKey", virtualKeyInclude, {
    ids: (args) => db.virtualKey.findMany({ where, select: { id: true }, ...args }),
    rows: (ids) => db.virtualKey.findMany({ where: { id: { in: ids } }, include: virtualKeyInclude }),
    count: () => db.virtualKey.count({ where }),
  });
}

/**
 * listVirtualKeys with the page already in the REST wire shape: `items` is the JSON array (UTF-8) that
 * serialize.ts would write for the rows (src/services/virtual-key-json.ts). Two statements whatever the page:
 * the page's ids (and the total), planned for the filters given, then the keys' JSON through one prepared
 * statement whose plan PostgreSQL keeps (issue #13: planning the JSON statement took longer than running it).
 */
export async function listVirtualKeysJson(ctx: RequestContext, q: VirtualKeyListQuery): Promise<JsonPaged> {
  const { page, owners, none } = listFilters(ctx, q);
  if (none) return toJsonPaged(Buffer.from("[]"), 0, 0, page);
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  // The same filters over the maintained counts (VirtualKeyCount, migration 20261130082151): a key is counted
  // in `*` and in the scope of its own owner column, `team:<id>` or `customer:<id>`.
  const counted: string[] = [];
  const scope = customerScope(ctx);
  if (scope) {
    const c = param(scope);
    // The teams' ids as an array (not EXISTS/IN): PostgreSQL combines the customerId and teamId indexes (BitmapOr)
    // instead of filtering every key (100k keys, a customer of 100: 528 → 0.3 ms).
    where.push(`(vk."customerId" = ${c}::uuid OR vk."teamId" = ANY (ARRAY(SELECT st.id FROM "Team" st WHERE st."customerId" = ${c}::uuid)))`);
    counted.push(`vc.scope = ANY (ARRAY(SELECT 'team:' || st.id FROM "Team" st WHERE st."customerId" = ${c}::uuid UNION ALL SELECT 'customer:' || ${c}::uuid))`);
  }
  if (owners.length) {
    const ps = owners.map((o) => ("teamId" in o ? ["teamId", "team", param(o.teamId)] : ["customerId", "customer", param(o.customerId)]));
    where.push(`(${ps.map(([column, , p]) => `vk."${column}" = ${p}::uuid`).join(" OR ")})`);
    counted.push(`vc.scope IN (${ps.map(([, kind, p]) => `'${kind}:' || ${p}::uuid`).join(", ")})`);
  }
  if (q.search) where.push(`vk.name ILIKE ${param(`%${likeLiteral(q.search)}%`)}`);
  const filter = where.join(" AND ") || "true";
  const paging = page.paginated ? ` OFFSET ${param(page.offset)} LIMIT ${param(page.limit)}` : "";
  // A search counts its matches (bounded by the trigram index); every other filter reads the maintained counts,
  // a few rows whatever the table's size (count(*) of 100k keys: ~4 ms of database CPU).
  const total = !page.paginated
    ? "NULL::int"
    : q.search
      ? `(SELECT count(*) FROM "VirtualKey" vk WHERE ${filter})::int`
      : `(SELECT COALESCE(sum(vc.n), 0) FROM "VirtualKeyCount" vc WHERE ${counted.length ? counted.join(" AND ") : "vc.scope = '*'"})::int`;
  const [found] = await rawSql.query<{ ids: string[]; total: number | null }>(
    `SELECT ARRAY(SELECT vk.id FROM "VirtualKey" vk WHERE ${filter} ORDER BY vk."createdAt", vk.id${paging})::text[] AS ids, ${total} AS total`,
    values,
  );
  const ids = found!.ids;
  const items = ids.length
    ? Buffer.from((await rawSql.query<{ items: string }>(virtualKeysJsonSql, [ids], "virtual_keys_json"))[0]!.items, "base64")
    : Buffer.from("[]");
  return toJsonPaged(items, ids.length, found!.total ?? 0, page);
}
