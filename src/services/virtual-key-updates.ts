/**
 * Virtual key update, delete and rotation. Callable from REST and GraphQL. Keys are always addressed
 * by id (never by name: spec §2.4's upstream bug). Each operation is ONE transaction or one statement.
 * The full key value leaves this module only from rotateVirtualKey, exactly once.
 */
import { z } from "zod";
import type { Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import type { Prisma } from "../generated/prisma/client.js";
import { issueVirtualKey } from "../lib/api-keys.js";
import { audited } from "./audit.js";
import { ConflictError, DUPLICATE_NAME_MESSAGE, NotFoundError } from "./errors.js";
import { alignLimits, updateLimits } from "./limit-updates.js";
import type { VirtualKeyRow } from "./shapes.js";
import { assertCustomerExists } from "./teams.js";
import {
  BUDGET_AND_BUDGETS,
  budgetCreateShape,
  fail,
  isUuid,
  ownerRef,
  parseInput,
  rateLimitShape,
  runChecks,
  updateFailure,
} from "./validation.js";
import { reconcileMcpConfigs, reconcileProviderConfigs } from "./virtual-key-config-updates.js";
import {
  assertTeamExists,
  checkConfigs,
  getVirtualKey,
  mcpConfigShape,
  providerConfigShape,
  type CreatedVirtualKey,
} from "./virtual-keys.js";
import { text } from "./text.js";
import { lockRow } from "./row-locks.js";

export const updateVirtualKeySchema = z
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
    resetBudgetUsage: z.boolean().optional(),
    rateLimit: rateLimitShape.optional(),
    providerConfigs: z.array(providerConfigShape).optional(),
    mcpConfigs: z.array(mcpConfigShape).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.name !== undefined && !v.name.trim()) return fail(ctx, ["name"], "Virtual key name is required");
    if (v.teamId !== undefined && v.customerId !== undefined) {
      return fail(ctx, ["teamId"], "VirtualKey cannot be attached to both Team and Customer");
    }
    if (v.budget && v.budgets) fail(ctx, ["budgets"], BUDGET_AND_BUDGETS);
  });
export type UpdateVirtualKeyInput = z.input<typeof updateVirtualKeySchema>;
type UpdateVirtualKey = z.output<typeof updateVirtualKeySchema>;

/** Writes the key's own columns. Ownership is presence-aware (Part 1 §4): absent keeps, null clears, a value switches. */
async function updateKeyRow(ctx: RequestContext, tx: Tx, id: string, v: UpdateVirtualKey): Promise<void> {
  const data: Prisma.VirtualKeyUncheckedUpdateInput = {};
  if (v.name !== undefined) {
    const name = v.name.trim();
    if (await tx.virtualKey.findFirst({ where: { name, NOT: { id } }, select: { id: true } })) throw new ConflictError(DUPLICATE_NAME_MESSAGE);
    data.name = name;
  }
  if (v.description !== undefined) data.description = v.description;
  if (v.isActive !== undefined) data.isActive = v.isActive;
  if (v.calendarAligned !== undefined) data.calendarAligned = v.calendarAligned;
  if (v.allowAllProviders !== undefined) data.allowAllProviders = v.allowAllProviders;
  if (v.disableContentLogging !== undefined) data.disableContentLogging = v.disableContentLogging;
  if (v.teamId !== undefined) {
    if (v.teamId) await assertTeamExists(ctx, tx, v.teamId);
    data.teamId = v.teamId;
    if (v.teamId) data.customerId = null;
  }
  if (v.customerId !== undefined) {
    if (v.customerId) await assertCustomerExists(ctx, tx, v.customerId);
    data.customerId = v.customerId;
    if (v.customerId) data.teamId = null;
  }
  if (Object.keys(data).length) await tx.virtualKey.update({ where: { id }, data });
}

/**
 * Updates a key in one transaction: its columns, budgets (`budget` / `budgets` / `reset_budget_usage`),
 * rate limit (partial merge, the merged row validated), and, when listed, provider and MCP configs.
 * 404 `Virtual key not found` for an unknown id; client mistakes found after that read
 * `Failed to update virtual key: <reason>` (400). Returns the key re-read with every relation.
 */
export async function updateVirtualKey(ctx: RequestContext, id: string, input: unknown): Promise<VirtualKeyRow> {
  const v = parseInput(updateVirtualKeySchema, input);
  const now = ctx.now();
  await audited(ctx, { action: "update", entity: "VirtualKey", id }, async (tx) => {
      const current = isUuid(id) && (await lockRow(tx, "VirtualKey", id)) ? await tx.virtualKey.findUnique({ where: { id }, select: { calendarAligned: true } }) : null;
      if (!current) throw new NotFoundError("Virtual key");
      runChecks((c) => checkConfigs(c, v, true));
      await updateKeyRow(ctx, tx, id, v);
      const aligned = v.calendarAligned ?? current.calendarAligned;
      if (aligned !== current.calendarAligned) {
        await alignLimits(tx, { OR: [{ virtualKeyId: id }, { providerConfig: { virtualKeyId: id } }] }, aligned, now);
      }
      await updateLimits(tx, { owner: { virtualKeyId: id }, label: "virtual key", aligned }, v, { rateLimitMode: "merge", now });
      if (v.providerConfigs) await reconcileProviderConfigs(tx, { id, calendarAligned: aligned }, v.providerConfigs, now);
      if (v.mcpConfigs) await reconcileMcpConfigs(tx, { id, calendarAligned: aligned }, v.mcpConfigs);
    }).catch(updateFailure("Failed to update virtual key: "));
  return getVirtualKey(ctx, id);
}

/**
 * Deletes a key (404 first). FK cascades remove its provider configs (with their budgets, rate limits
 * and key bindings), MCP configs, budgets and rate limit in the same statement.
 */
export async function deleteVirtualKey(ctx: RequestContext, id: string): Promise<void> {
  await audited(ctx, { action: "delete", entity: "VirtualKey", id }, async (tx) => {
    const { count } = isUuid(id) ? await tx.virtualKey.deleteMany({ where: { id } }) : { count: 0 };
    if (count === 0) throw new NotFoundError("Virtual key");
  });
}

/**
 * Issues a new value for a key. The hash is replaced in one statement, so the old value stops working
 * at once. Returns the full new value (shown once, never stored) with the re-read key.
 */
export async function rotateVirtualKey(ctx: RequestContext, id: string): Promise<CreatedVirtualKey> {
  const issued = issueVirtualKey();
  await audited(ctx, { action: "rotate", entity: "VirtualKey", id }, async (tx) => {
    const { count } = isUuid(id)
      ? await tx.virtualKey.updateMany({ where: { id }, data: { valueHash: issued.hash, valuePrefix: issued.prefix, valueSuffix: issued.suffix } })
      : { count: 0 };
    if (count === 0) throw new NotFoundError("Virtual key");
  });
  return { key: await getVirtualKey(ctx, id), value: issued.value };
}
