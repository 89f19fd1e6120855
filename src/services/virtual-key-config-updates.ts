/**
 * Full reconcile of a key's provider configs and MCP configs on update (spec §2.4). Called only by
 * updateVirtualKey, inside its transaction (`tx`), when the request carries the list (even `[]`).
 * Entries with an `id` edit that row (the id must belong to this key), entries without one are
 * created, unlisted rows are deleted; FK cascades remove their budgets, rate limits and key bindings.
 * Omitted allow-lists (`allowed_models`, `key_ids`, `tools_to_execute`) keep their current value, so
 * an edit never silently widens access; an omitted `weight` becomes null (Bifrost).
 */
import type { Tx } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import { ValidationError } from "./errors.js";
import { updateLimits } from "./limit-updates.js";
import { providerConfigBudgetMessages } from "./validation.js";
import {
  createProviderConfig,
  resolveKeyIds,
  resolveMcpClient,
  type McpConfigInput,
  type ProviderConfigInput,
} from "./virtual-keys.js";

export interface ConfigOwner {
  id: string;
  calendarAligned: boolean;
}

const invalid = (message: string, path: (string | number)[]) => new ValidationError(message, [{ path, message }]);

/** The listed ids, each of which must be one of `existing` and appear once. */
function listedIds(list: { id?: number | undefined }[], existing: Set<number>, what: string, field: string): Set<number> {
  const listed = new Set<number>();
  list.forEach((entry, i) => {
    if (entry.id === undefined) return;
    if (!existing.has(entry.id)) throw invalid(`${what} ${entry.id} does not belong to this virtual key`, [field, i, "id"]);
    if (listed.has(entry.id)) throw invalid(`duplicate ${what} id: ${entry.id}`, [field, i, "id"]);
    listed.add(entry.id);
  });
  return listed;
}

/** Reconciles `provider_configs`: update listed, create new, delete unlisted (with their limits). */
export async function reconcileProviderConfigs(tx: Tx, vk: ConfigOwner, list: ProviderConfigInput[], now: Date): Promise<void> {
  const existing = await tx.providerConfig.findMany({ where: { virtualKeyId: vk.id }, select: { id: true, provider: true, allowAllKeys: true } });
  const byId = new Map(existing.map((pc) => [pc.id, pc]));
  const listed = listedIds(list, new Set(byId.keys()), "provider config", "providerConfigs");
  await tx.providerConfig.deleteMany({ where: { virtualKeyId: vk.id, id: { notIn: [...listed] } } });
  for (const [i, pc] of list.entries()) {
    const row = pc.id === undefined ? undefined : byId.get(pc.id);
    if (!row) {
      await createProviderConfig(tx, vk.id, pc, i, vk.calendarAligned, now);
      continue;
    }
    const provider = pc.provider!.trim();
    const data: Prisma.ProviderConfigUncheckedUpdateInput = { provider, weight: pc.weight ?? null };
    if (pc.allowedModels !== undefined) data.allowedModels = pc.allowedModels;
    if (pc.blacklistedModels !== undefined) data.blacklistedModels = pc.blacklistedModels;
    if (pc.keyIds === undefined && provider !== row.provider && !row.allowAllKeys) {
      throw invalid(`key_ids is required when changing the provider of provider config ${row.id}`, ["providerConfigs", i, "keyIds"]);
    }
    if (pc.keyIds !== undefined) {
      const all = pc.keyIds.length === 1 && pc.keyIds[0] === "*";
      const keyRows = all ? [] : await resolveKeyIds(tx, provider, pc.keyIds, ["providerConfigs", i, "keyIds"]);
      data.allowAllKeys = all;
      await tx.providerConfigKey.deleteMany({ where: { providerConfigId: row.id } });
      if (keyRows.length) await tx.providerConfigKey.createMany({ data: keyRows.map((providerKeyId) => ({ providerConfigId: row.id, providerKeyId })) });
    }
    await tx.providerConfig.update({ where: { id: row.id }, data });
    await updateLimits(
      tx,
      { owner: { providerConfigId: row.id }, label: "provider config", aligned: vk.calendarAligned },
      pc,
      { rateLimitMode: "merge", now, path: ["providerConfigs", i], messages: providerConfigBudgetMessages },
    );
  }
}

/** Reconciles `mcp_configs`: listed rows take the new `tools_to_execute`, new names are resolved, the rest deleted. */
export async function reconcileMcpConfigs(tx: Tx, vk: ConfigOwner, list: McpConfigInput[]): Promise<void> {
  const existing = await tx.mcpConfig.findMany({ where: { virtualKeyId: vk.id }, select: { id: true, mcpClientId: true } });
  const listed = listedIds(list, new Set(existing.map((m) => m.id)), "MCP config", "mcpConfigs");
  const clients = new Set(existing.filter((m) => listed.has(m.id)).map((m) => m.mcpClientId));
  const creates: Prisma.McpConfigCreateManyInput[] = [];
  for (const [i, m] of list.entries()) {
    if (m.id !== undefined) continue;
    const mcpClientId = await resolveMcpClient(tx, m.mcpClientName!, i);
    if (clients.has(mcpClientId)) throw invalid(`duplicate mcp_client_name: ${m.mcpClientName}`, ["mcpConfigs", i, "mcpClientName"]);
    clients.add(mcpClientId);
    creates.push({ virtualKeyId: vk.id, mcpClientId, toolsToExecute: m.toolsToExecute ?? ["*"] });
  }
  await tx.mcpConfig.deleteMany({ where: { virtualKeyId: vk.id, id: { notIn: [...listed] } } });
  for (const m of list) {
    if (m.id !== undefined && m.toolsToExecute !== undefined) {
      await tx.mcpConfig.update({ where: { id: m.id }, data: { toolsToExecute: m.toolsToExecute } });
    }
  }
  if (creates.length) await tx.mcpConfig.createMany({ data: creates });
}
