/**
 * The `governance` section of Bifrost's config.json: export and import (CLI src/cli/governance.ts, REST
 * `GET /api/governance/export` and `POST /api/governance/import[?dry_run=true]`, GraphQL `governanceExport` and
 * `importGovernance`). Budgets and rate limits are listed once and referenced by id from their owner, as
 * upstream does (`budget_id`, or `budget_ids` for several windows; `rate_limit_id`).
 *
 * Import upserts by id in ONE transaction (all or nothing) and never touches the usage of a budget or rate
 * limit that already exists (upstream #5925: its re-seed zeroed live usage); usage and last reset in the file
 * are used only for rows it creates. For each key, team and customer listed, the file is the truth: budgets,
 * rate limits and provider configs it no longer lists are removed. Keys are exported by their SHA-256
 * (`value_hash`, plus the masked display parts): the value itself is never stored, so never exported; a file
 * may give `value` (a full key) instead. Export is deterministic (sorted by id): export → import into an empty
 * database → export is byte-identical. Admin only (`assertAdmin`: the seam for issue 10's authorization).
 */
import { authorizeCtx } from "./access.js";
import { recordAudit } from "./audit.js";
import { z } from "zod";
import type { RequestContext } from "../context.js";
import { db, type Tx } from "../db/client.js";
import { hashKey } from "../lib/api-keys.js";
import { ValidationError } from "./errors.js";
import { checkAllowList, checkModelPatterns, isUuid, parseInput } from "./validation.js";

/** Authorization seam: import and export are admin-only (services/access.ts). */
export function assertAdmin(ctx: RequestContext): void {
  authorizeCtx(ctx, "update", { type: "governanceIo" });
}

const id = z.string().refine(isUuid, { message: "must be a UUID" });
const ts = z.string().datetime({ offset: true });
const budgetShape = z.strictObject({
  id,
  maxLimit: z.number().finite().positive(),
  resetDuration: z.string().min(1).max(32),
  calendarAligned: z.boolean().optional(),
  currentUsage: z.number().finite().min(0).optional(),
  lastReset: ts.optional(),
});
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const rateLimitShape = z.strictObject({
  id,
  tokenMaxLimit: count.positive().nullable().optional(),
  tokenResetDuration: z.string().max(32).nullable().optional(),
  tokenCurrentUsage: count.optional(),
  tokenLastReset: ts.optional(),
  requestMaxLimit: count.positive().nullable().optional(),
  requestResetDuration: z.string().max(32).nullable().optional(),
  requestCurrentUsage: count.optional(),
  requestLastReset: ts.optional(),
  calendarAligned: z.boolean().optional(),
});
const limitRefs = { budgetId: id.optional(), budgetIds: z.array(id).optional(), rateLimitId: id.optional() };
const customerShape = z.strictObject({ id, name: z.string().min(1).max(255), email: z.string().max(320).optional(), calendarAligned: z.boolean().optional(), ...limitRefs });
const teamShape = z.strictObject({ id, name: z.string().min(1).max(255), customerId: id.optional(), calendarAligned: z.boolean().optional(), ...limitRefs });
const providerConfigShape = z.strictObject({
  provider: z.string().min(1).max(50),
  weight: z.number().finite().min(0).nullable().optional(),
  allowedModels: z.array(z.string()).optional(),
  blacklistedModels: z.array(z.string()).optional(),
  keyIds: z.array(z.string()).optional(),
  ...limitRefs,
});
const mcpConfigShape = z.strictObject({ mcpClientName: z.string().min(1), toolsToExecute: z.array(z.string()).optional() });
const keyShape = z.strictObject({
  id,
  name: z.string().min(1).max(255),
  description: z.string().optional(),
  value: z.string().optional(),
  valueHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  valuePrefix: z.string().max(16).optional(),
  valueSuffix: z.string().max(8).optional(),
  isActive: z.boolean().optional(),
  teamId: id.optional(),
  customerId: id.optional(),
  calendarAligned: z.boolean().optional(),
  allowAllProviders: z.boolean().optional(),
  disableContentLogging: z.boolean().nullable().optional(),
  providerConfigs: z.array(providerConfigShape).optional(),
  mcpConfigs: z.array(mcpConfigShape).optional(),
  ...limitRefs,
});
const governanceShape = z.strictObject({
  budgets: z.array(budgetShape).optional(),
  rateLimits: z.array(rateLimitShape).optional(),
  customers: z.array(customerShape).optional(),
  teams: z.array(teamShape).optional(),
  virtualKeys: z.array(keyShape).optional(),
});
/** A whole config.json is accepted: only its `governance` section is read. */
const fileShape = z.looseObject({ governance: governanceShape });
type Governance = z.output<typeof governanceShape>;
type Refs = { budgetId?: string | undefined; budgetIds?: string[] | undefined; rateLimitId?: string | undefined };

const bad = (message: string) => new ValidationError(message, [{ path: ["governance"], message }]);
const budgetIdsOf = (o: Refs) => [...(o.budgetId ? [o.budgetId] : []), ...(o.budgetIds ?? [])];

type Owner = { virtualKeyId?: string; teamId?: string; customerId?: string; providerConfig?: { vk: string; provider: string } };

/** Every reference resolves inside the file, every id once, every budget and rate limit owned exactly once. */
function checkReferences(g: Governance): { budgetOwner: Map<string, Owner>; rateLimitOwner: Map<string, Owner> } {
  const unique = (kind: string, list: { id: string }[] = []) => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x.id)) throw bad(`duplicate ${kind} id: ${x.id}`);
      seen.add(x.id);
    }
    return seen;
  };
  const budgets = unique("budget", g.budgets);
  const rateLimits = unique("rate limit", g.rateLimits);
  const customers = unique("customer", g.customers);
  const teams = unique("team", g.teams);
  unique("virtual key", g.virtualKeys);
  const budgetOwner = new Map<string, Owner>();
  const rateLimitOwner = new Map<string, Owner>();
  const own = (what: string, refs: Refs, owner: Owner) => {
    for (const b of budgetIdsOf(refs)) {
      if (!budgets.has(b)) throw bad(`${what} references unknown budget_id: ${b}`);
      if (budgetOwner.has(b)) throw bad(`budget ${b} is referenced by more than one owner`);
      budgetOwner.set(b, owner);
    }
    if (refs.rateLimitId) {
      if (!rateLimits.has(refs.rateLimitId)) throw bad(`${what} references unknown rate_limit_id: ${refs.rateLimitId}`);
      if (rateLimitOwner.has(refs.rateLimitId)) throw bad(`rate limit ${refs.rateLimitId} is referenced by more than one owner`);
      rateLimitOwner.set(refs.rateLimitId, owner);
    }
  };
  for (const c of g.customers ?? []) own(`customer ${c.id}`, c, { customerId: c.id });
  for (const t of g.teams ?? []) {
    if (t.customerId && !customers.has(t.customerId)) throw bad(`team ${t.id} references unknown customer_id: ${t.customerId}`);
    own(`team ${t.id}`, t, { teamId: t.id });
  }
  for (const k of g.virtualKeys ?? []) {
    if (k.teamId && k.customerId) throw bad(`virtual key ${k.id} has both team_id and customer_id`);
    if (k.teamId && !teams.has(k.teamId)) throw bad(`virtual key ${k.id} references unknown team_id: ${k.teamId}`);
    if (k.customerId && !customers.has(k.customerId)) throw bad(`virtual key ${k.id} references unknown customer_id: ${k.customerId}`);
    if (!k.value && !k.valueHash) throw bad(`virtual key ${k.id} needs value or value_hash`);
    own(`virtual key ${k.id}`, k, { virtualKeyId: k.id });
    const providers = new Set<string>();
    for (const pc of k.providerConfigs ?? []) {
      if (providers.has(pc.provider)) throw bad(`virtual key ${k.id} lists provider ${pc.provider} twice`);
      providers.add(pc.provider);
      own(`virtual key ${k.id} provider config ${pc.provider}`, pc, { providerConfig: { vk: k.id, provider: pc.provider } });
    }
  }
  for (const b of budgets) if (!budgetOwner.has(b)) throw bad(`budget ${b} is not referenced by any customer, team, virtual key or provider config`);
  for (const r of rateLimits) if (!rateLimitOwner.has(r)) throw bad(`rate limit ${r} is not referenced by any customer, team, virtual key or provider config`);
  return { budgetOwner, rateLimitOwner };
}

function parseFile(input: unknown): Governance {
  const g = parseInput(fileShape, input).governance;
  for (const k of g.virtualKeys ?? []) {
    for (const [i, pc] of (k.providerConfigs ?? []).entries()) {
      parseInput(
        z.object({}).superRefine((_v, ctx) => {
          const at = ["virtualKeys", k.id, "providerConfigs", i];
          checkAllowList(ctx, [...at, "allowedModels"], pc.allowedModels, `allowed_models for provider ${pc.provider}`);
          checkModelPatterns(ctx, [...at, "allowedModels"], pc.allowedModels, `allowed_models for provider ${pc.provider}`);
          checkModelPatterns(ctx, [...at, "blacklistedModels"], pc.blacklistedModels, `blacklisted_models for provider ${pc.provider}`);
        }),
        {},
      );
    }
  }
  return g;
}

// --- export ---------------------------------------------------------------------------------------

const num = (v: { toString(): string } | bigint) => Number(v.toString());
const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const refs = (budgets: { id: string }[], rateLimit: { id: string } | null) => ({
  ...(budgets.length ? { budget_ids: budgets.map((b) => b.id).sort() } : {}),
  ...(rateLimit ? { rate_limit_id: rateLimit.id } : {}),
});

/** The governance section as a JSON-ready object, deterministic (sorted by id; no timestamps but last resets). */
export async function exportGovernance(ctx: RequestContext, client: Tx | typeof db = db): Promise<{ governance: Record<string, unknown[]> }> {
  assertAdmin(ctx);
  const limits = { budgets: { select: { id: true } }, rateLimit: { select: { id: true } } } as const;
  const [customers, teams, keys] = await Promise.all([
    client.customer.findMany({ include: limits }),
    client.team.findMany({ include: limits }),
    client.virtualKey.findMany({
      include: {
        ...limits,
        providerConfigs: { include: { ...limits, keys: { include: { providerKey: { select: { keyId: true } } } } }, orderBy: { provider: "asc" } },
        mcpConfigs: { include: { mcpClient: { select: { name: true } } } },
      },
    }),
  ]);
  const owned = { OR: [{ customerId: { not: null } }, { teamId: { not: null } }, { virtualKeyId: { not: null } }, { providerConfigId: { not: null } }] };
  const [budgets, rateLimits] = await Promise.all([client.budget.findMany({ where: owned }), client.rateLimit.findMany({ where: owned })]);
  return {
    governance: {
      budgets: byId(budgets).map((b) => ({
        id: b.id,
        max_limit: num(b.maxLimit),
        reset_duration: b.resetDuration,
        calendar_aligned: b.calendarAligned,
        current_usage: num(b.currentUsage),
        last_reset: b.lastReset.toISOString(),
      })),
      rate_limits: byId(rateLimits).map((r) => ({
        id: r.id,
        ...(r.tokenMaxLimit !== null ? { token_max_limit: num(r.tokenMaxLimit) } : {}),
        ...(r.tokenResetDuration !== null ? { token_reset_duration: r.tokenResetDuration } : {}),
        token_current_usage: num(r.tokenCurrentUsage),
        token_last_reset: r.tokenLastReset.toISOString(),
        ...(r.requestMaxLimit !== null ? { request_max_limit: num(r.requestMaxLimit) } : {}),
        ...(r.requestResetDuration !== null ? { request_reset_duration: r.requestResetDuration } : {}),
        request_current_usage: num(r.requestCurrentUsage),
        request_last_reset: r.requestLastReset.toISOString(),
        calendar_aligned: r.calendarAligned,
      })),
      customers: byId(customers).map((c) => ({ id: c.id, name: c.name, ...(c.email ? { email: c.email } : {}), calendar_aligned: c.calendarAligned, ...refs(c.budgets, c.rateLimit) })),
      teams: byId(teams).map((t) => ({ id: t.id, name: t.name, ...(t.customerId ? { customer_id: t.customerId } : {}), calendar_aligned: t.calendarAligned, ...refs(t.budgets, t.rateLimit) })),
      virtual_keys: byId(keys).map((k) => ({
        id: k.id,
        name: k.name,
        description: k.description,
        value_hash: k.valueHash,
        value_prefix: k.valuePrefix,
        value_suffix: k.valueSuffix,
        is_active: k.isActive,
        ...(k.teamId ? { team_id: k.teamId } : {}),
        ...(k.customerId ? { customer_id: k.customerId } : {}),
        calendar_aligned: k.calendarAligned,
        allow_all_providers: k.allowAllProviders,
        ...(k.disableContentLogging !== null ? { disable_content_logging: k.disableContentLogging } : {}),
        ...refs(k.budgets, k.rateLimit),
        provider_configs: k.providerConfigs.map((pc) => ({
          provider: pc.provider,
          ...(pc.weight !== null ? { weight: pc.weight } : {}),
          allowed_models: pc.allowedModels,
          blacklisted_models: pc.blacklistedModels,
          key_ids: pc.allowAllKeys ? ["*"] : pc.keys.map((x) => x.providerKey.keyId).sort(),
          ...refs(pc.budgets, pc.rateLimit),
        })),
        mcp_configs: k.mcpConfigs.map((m) => ({ mcp_client_name: m.mcpClient.name, tools_to_execute: m.toolsToExecute })).sort((a, b) => (a.mcp_client_name < b.mcp_client_name ? -1 : 1)),
      })),
    },
  };
}

/** The export as the exact text written (2-space JSON, trailing newline). */
export const exportText = async (ctx: RequestContext) => `${JSON.stringify(await exportGovernance(ctx), null, 2)}\n`;

// --- import ---------------------------------------------------------------------------------------

export interface ImportDiff {
  dryRun: boolean;
  /** Per kind: ids created, ids changed (usage never counts), how many were already as in the file. */
  changes: Record<string, { created: string[]; updated: string[]; unchanged: number }>;
}

class DryRun extends Error {
  constructor(readonly diff: ImportDiff) {
    super("dry run");
  }
}

const KINDS = ["budgets", "rate_limits", "customers", "teams", "virtual_keys"] as const;
const USAGE = new Set(["current_usage", "last_reset", "token_current_usage", "token_last_reset", "request_current_usage", "request_last_reset"]);
const withoutUsage = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => !USAGE.has(k))));

function diff(before: Record<string, unknown[]>, after: Record<string, unknown[]>, touched: Governance, dryRun: boolean): ImportDiff {
  const listed: Record<string, string[]> = {
    budgets: (touched.budgets ?? []).map((x) => x.id),
    rate_limits: (touched.rateLimits ?? []).map((x) => x.id),
    customers: (touched.customers ?? []).map((x) => x.id),
    teams: (touched.teams ?? []).map((x) => x.id),
    virtual_keys: (touched.virtualKeys ?? []).map((x) => x.id),
  };
  const changes: ImportDiff["changes"] = {};
  for (const kind of KINDS) {
    const old = new Map((before[kind] as { id: string }[]).map((x) => [x.id, withoutUsage(x)]));
    const now = new Map((after[kind] as { id: string }[]).map((x) => [x.id, withoutUsage(x)]));
    const c = { created: [] as string[], updated: [] as string[], unchanged: 0 };
    for (const i of listed[kind]!) {
      if (!old.has(i)) c.created.push(i);
      else if (old.get(i) !== now.get(i)) c.updated.push(i);
      else c.unchanged++;
    }
    changes[kind] = c;
  }
  return { dryRun, changes };
}

/** Imports a config.json (or its governance section) in one transaction; `dryRun` rolls back and only reports. */
export async function importGovernance(ctx: RequestContext, input: unknown, options: { dryRun?: boolean } = {}): Promise<ImportDiff> {
  assertAdmin(ctx);
  const g = parseFile(input);
  const { budgetOwner, rateLimitOwner } = checkReferences(g);
  try {
    return await db.$transaction(
      async (tx) => {
        const before = (await exportGovernance(ctx, tx)).governance;
        await apply(tx, g, budgetOwner, rateLimitOwner, ctx.now());
        const after = (await exportGovernance(ctx, tx)).governance;
        const result = diff(before, after, g, options.dryRun ?? false);
        if (options.dryRun) throw new DryRun(result);
        // One audit event for the whole import (ids created and updated per kind), in its transaction.
        await recordAudit(tx, ctx, { action: "import", entityType: "Governance", entityId: "config", before: null, after: { changes: result.changes } });
        return result;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  } catch (err) {
    if (err instanceof DryRun) return err.diff;
    const code = (err as { code?: string }).code;
    if (code === "P2002") throw bad(`import conflicts with existing data: a name or (owner, reset_duration) is already used by another row`);
    if (code === "P2003") throw bad("import references a row that does not exist");
    throw err;
  }
}

async function apply(tx: Tx, g: Governance, budgetOwner: Map<string, Owner>, rateLimitOwner: Map<string, Owner>, now: Date): Promise<void> {
  for (const c of g.customers ?? []) {
    const data = { name: c.name.trim(), email: c.email?.trim().toLowerCase() || null, calendarAligned: c.calendarAligned ?? false };
    await tx.customer.upsert({ where: { id: c.id }, create: { id: c.id, ...data }, update: data });
  }
  for (const t of g.teams ?? []) {
    const data = { name: t.name.trim(), customerId: t.customerId ?? null, calendarAligned: t.calendarAligned ?? false };
    await tx.team.upsert({ where: { id: t.id }, create: { id: t.id, ...data }, update: data });
  }
  const pcIds = new Map<string, number>(); // `${vk}\0${provider}` → provider config id
  for (const k of g.virtualKeys ?? []) {
    const hash = k.valueHash ?? hashKey(k.value!);
    const display = k.value ? { valuePrefix: k.value.slice(0, 10), valueSuffix: k.value.slice(-4) } : { valuePrefix: k.valuePrefix ?? "sk-bf-", valueSuffix: k.valueSuffix ?? "" };
    const data = {
      name: k.name.trim(),
      description: k.description ?? "",
      valueHash: hash,
      ...display,
      isActive: k.isActive ?? true,
      teamId: k.teamId ?? null,
      customerId: k.customerId ?? null,
      calendarAligned: k.calendarAligned ?? false,
      allowAllProviders: k.allowAllProviders ?? false,
      disableContentLogging: k.disableContentLogging ?? null,
    };
    await tx.virtualKey.upsert({ where: { id: k.id }, create: { id: k.id, ...data }, update: data });
    const listed = k.providerConfigs ?? [];
    await tx.providerConfig.deleteMany({ where: { virtualKeyId: k.id, provider: { notIn: listed.map((pc) => pc.provider) } } });
    for (const pc of listed) {
      const keyIds = pc.keyIds ?? ["*"];
      const allowAllKeys = keyIds.length === 1 && keyIds[0] === "*";
      const values = { weight: pc.weight ?? null, allowedModels: pc.allowedModels ?? ["*"], blacklistedModels: pc.blacklistedModels ?? [], allowAllKeys };
      const existing = await tx.providerConfig.findFirst({ where: { virtualKeyId: k.id, provider: pc.provider }, select: { id: true } });
      const row = existing
        ? await tx.providerConfig.update({ where: { id: existing.id }, data: values, select: { id: true } })
        : await tx.providerConfig.create({ data: { virtualKeyId: k.id, provider: pc.provider, ...values }, select: { id: true } });
      pcIds.set(`${k.id}\u0000${pc.provider}`, row.id);
      const keys = allowAllKeys ? [] : await tx.providerKey.findMany({ where: { provider: pc.provider, keyId: { in: keyIds.filter((x) => /^[0-9a-f-]{36}$/i.test(x)) } }, select: { id: true } });
      if (keys.length !== (allowAllKeys ? 0 : keyIds.length)) throw bad(`virtual key ${k.id} provider config ${pc.provider}: some key_ids are not keys of provider ${pc.provider}`);
      await tx.providerConfigKey.deleteMany({ where: { providerConfigId: row.id } });
      if (keys.length) await tx.providerConfigKey.createMany({ data: keys.map((x) => ({ providerConfigId: row.id, providerKeyId: x.id })) });
    }
    await tx.mcpConfig.deleteMany({ where: { virtualKeyId: k.id } });
    for (const m of k.mcpConfigs ?? []) {
      const client = await tx.mcpClient.findUnique({ where: { name: m.mcpClientName }, select: { id: true } });
      if (!client) throw bad(`virtual key ${k.id} references unknown mcp_client_name: ${m.mcpClientName}`);
      await tx.mcpConfig.create({ data: { virtualKeyId: k.id, mcpClientId: client.id, toolsToExecute: m.toolsToExecute ?? ["*"] } });
    }
  }
  const ownerColumns = (o: Owner) => ({
    virtualKeyId: o.virtualKeyId ?? null,
    teamId: o.teamId ?? null,
    customerId: o.customerId ?? null,
    providerConfigId: o.providerConfig ? pcIds.get(`${o.providerConfig.vk}\u0000${o.providerConfig.provider}`)! : null,
  });
  // Owners listed in the file: their budgets and rate limits are exactly the file's (unlisted ones go first,
  // so a re-keyed window does not collide with the old one).
  const owners = {
    OR: [
      { customerId: { in: (g.customers ?? []).map((c) => c.id) } },
      { teamId: { in: (g.teams ?? []).map((t) => t.id) } },
      { virtualKeyId: { in: (g.virtualKeys ?? []).map((k) => k.id) } },
      { providerConfigId: { in: [...pcIds.values()] } },
    ],
  };
  await tx.budget.deleteMany({ where: { ...owners, id: { notIn: (g.budgets ?? []).map((b) => b.id) } } });
  await tx.rateLimit.deleteMany({ where: { ...owners, id: { notIn: (g.rateLimits ?? []).map((r) => r.id) } } });
  for (const b of g.budgets ?? []) {
    const config = { ...ownerColumns(budgetOwner.get(b.id)!), maxLimit: b.maxLimit, resetDuration: b.resetDuration, calendarAligned: b.calendarAligned ?? false };
    // Never the usage of an existing row: only a created row takes the file's usage and last reset.
    const created = { currentUsage: b.currentUsage ?? 0, lastReset: b.lastReset ? new Date(b.lastReset) : now };
    await tx.budget.upsert({ where: { id: b.id }, create: { id: b.id, ...config, ...created }, update: config });
  }
  for (const r of g.rateLimits ?? []) {
    const config = {
      ...ownerColumns(rateLimitOwner.get(r.id)!),
      tokenMaxLimit: r.tokenMaxLimit ?? null,
      tokenResetDuration: r.tokenResetDuration ?? null,
      requestMaxLimit: r.requestMaxLimit ?? null,
      requestResetDuration: r.requestResetDuration ?? null,
      calendarAligned: r.calendarAligned ?? false,
    };
    const created = {
      tokenCurrentUsage: r.tokenCurrentUsage ?? 0,
      tokenLastReset: r.tokenLastReset ? new Date(r.tokenLastReset) : now,
      requestCurrentUsage: r.requestCurrentUsage ?? 0,
      requestLastReset: r.requestLastReset ? new Date(r.requestLastReset) : now,
    };
    await tx.rateLimit.upsert({ where: { id: r.id }, create: { id: r.id, ...config, ...created }, update: config });
  }
}
