/**
 * Pricing overrides as upstream Bifrost defines them (`/api/governance/pricing-overrides`): string ids, a scope
 * (global, provider, provider key, virtual key, virtual key + provider, virtual key + provider + key), a match
 * (exact model name or a single trailing `*`), optional request types and a patch of non-negative prices.
 * Callable from REST and GraphQL; every rule is here. Validation messages are upstream's.
 */
import { audited } from "./audit.js";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { RequestContext } from "../context.js";
import { db } from "../db/client.js";
import type { PricingOverride, Prisma } from "../generated/prisma/client.js";
import { NotFoundError, ValidationError } from "./errors.js";
import { parsePage, toPaged, type Paged } from "./pagination.js";
import { parseInput } from "./validation.js";
import { safeArg } from "./text.js";

export const SCOPE_KINDS = ["global", "provider", "provider_key", "virtual_key", "virtual_key_provider", "virtual_key_provider_key"] as const;
export const MATCH_TYPES = ["exact", "wildcard"] as const;
export const REQUEST_TYPES = [
  "text_completion", "text_completion_stream", "chat_completion", "chat_completion_stream", "responses", "responses_stream",
  "embedding", "rerank", "speech", "speech_stream", "transcription", "transcription_stream", "image_generation",
  "image_generation_stream", "image_edit", "image_edit_stream", "image_variation", "video_generation",
] as const;
/** The price fields a patch may set (upstream's list), USD. The ones pricing uses are the first three. */
export const PATCH_FIELDS = [
  "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost", "cache_creation_input_token_cost",
  "input_cost_per_token_priority", "output_cost_per_token_priority", "input_cost_per_token_batches", "output_cost_per_token_batches",
  "input_cost_per_token_above_128k_tokens", "output_cost_per_token_above_128k_tokens", "input_cost_per_token_above_200k_tokens",
  "output_cost_per_token_above_200k_tokens", "cache_read_input_token_cost_above_200k_tokens", "cache_creation_input_token_cost_above_200k_tokens",
  "cache_creation_input_token_cost_above_1hr", "cache_read_input_token_cost_priority", "input_cost_per_audio_token", "output_cost_per_audio_token",
  "input_cost_per_image_token", "output_cost_per_image_token", "input_cost_per_image", "output_cost_per_image", "input_cost_per_character",
  "output_cost_per_character", "input_cost_per_second", "output_cost_per_second", "input_cost_per_audio_per_second",
  "input_cost_per_video_per_second", "output_cost_per_video_per_second", "search_context_cost_per_query", "code_interpreter_cost_per_session",
] as const;
export type PatchField = (typeof PATCH_FIELDS)[number];
export type PricePatch = Partial<Record<PatchField, number>>;

// The patch keeps its snake_case keys (REST bodies are camelized on the way in, so both spellings are read).
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const patchShape = z.strictObject(Object.fromEntries(PATCH_FIELDS.map((f) => [camel(f), z.number().finite().optional()])));
const optionalId = z.string().max(64).nullable().optional();

const fields = {
  name: z.string().max(255),
  scopeKind: z.string(),
  virtualKeyId: optionalId,
  providerId: z.string().max(50).nullable().optional(),
  providerKeyId: optionalId,
  matchType: z.string(),
  pattern: z.string().max(255),
  requestTypes: z.array(z.string()).nullable().optional(),
  patch: patchShape.nullable().optional(),
};
const createSchema = z.strictObject({ ...fields, name: fields.name.optional(), scopeKind: fields.scopeKind.optional(), matchType: fields.matchType.optional(), pattern: fields.pattern.optional() });
const patchSchema = createSchema;
/** The request body of create, PUT and PATCH (what the OpenAPI document shows). */
export const pricingOverrideSchema = createSchema;
type OverrideInput = z.output<typeof createSchema>;

interface Draft {
  name: string;
  scopeKind: string;
  virtualKeyId: string | null;
  providerId: string | null;
  providerKeyId: string | null;
  matchType: string;
  pattern: string;
  requestTypes: string[];
  patch: PricePatch;
}

const trimmed = (v: string | null | undefined) => (v == null || v.trim() === "" ? null : v.trim());
const invalid = (message: string, path: string) => new ValidationError(message, [{ path: [path], message }]);

function toPatch(p: Record<string, number | undefined> | null | undefined): PricePatch {
  const out: PricePatch = {};
  for (const f of PATCH_FIELDS) {
    const v = p?.[camel(f)];
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** Upstream's checks, in its order: name, scope, pattern, request types, non-negative patch. */
function validate(d: Draft): void {
  if (!d.name) throw invalid("name is required", "name");
  const { scopeKind: s, virtualKeyId: vk, providerId: p, providerKeyId: pk } = d;
  const need = (ok: boolean, message: string) => {
    if (!ok) throw invalid(message, "scopeKind");
  };
  switch (s) {
    case "global": need(!vk && !p && !pk, "global scope_kind must not include scope identifiers"); break;
    case "provider": need(!!p, "provider_id is required for provider scope_kind"); need(!vk && !pk, "provider scope_kind only supports provider_id"); break;
    case "provider_key": need(!!pk, "provider_key_id is required for provider_key scope_kind"); need(!vk && !p, "provider_key scope_kind only supports provider_key_id"); break;
    case "virtual_key": need(!!vk, "virtual_key_id is required for virtual_key scope_kind"); need(!p && !pk, "virtual_key scope_kind only supports virtual_key_id"); break;
    case "virtual_key_provider": need(!!vk && !!p, "virtual_key_id and provider_id are required for virtual_key_provider scope_kind"); need(!pk, "virtual_key_provider scope_kind does not support provider_key_id"); break;
    case "virtual_key_provider_key": need(!!vk && !!p && !!pk, "virtual_key_id, provider_id, and provider_key_id are required for virtual_key_provider_key scope_kind"); break;
    default: throw invalid(`unsupported scope_kind "${s}"`, "scopeKind");
  }
  if (!d.pattern) throw invalid("pattern is required", "pattern");
  if (d.matchType === "exact") {
    if (d.pattern.includes("*")) throw invalid("exact pattern cannot include '*'", "pattern");
  } else if (d.matchType === "wildcard") {
    if (!d.pattern.endsWith("*") || d.pattern.split("*").length !== 2) throw invalid("wildcard pattern supports a single trailing '*' only", "pattern");
    if (d.pattern === "*") throw invalid("wildcard prefix cannot be empty", "pattern");
  } else throw invalid(`unsupported match_type "${d.matchType}"`, "matchType");
  for (const t of d.requestTypes) if (!(REQUEST_TYPES as readonly string[]).includes(t)) throw invalid(`unsupported request_type "${t}"`, "requestTypes");
  for (const f of PATCH_FIELDS) {
    const v = d.patch[f];
    if (v !== undefined && v < 0) throw invalid(`${f} must be non-negative`, "patch");
  }
}

function draftFrom(v: OverrideInput, base?: PricingOverride): Draft {
  const basePatch = (base?.patch ?? {}) as PricePatch;
  return {
    name: v.name !== undefined ? v.name.trim() : base?.name ?? "",
    scopeKind: v.scopeKind ?? base?.scopeKind ?? "",
    virtualKeyId: v.virtualKeyId !== undefined ? trimmed(v.virtualKeyId) : base?.virtualKeyId ?? null,
    providerId: v.providerId !== undefined ? trimmed(v.providerId) : base?.providerId ?? null,
    providerKeyId: v.providerKeyId !== undefined ? trimmed(v.providerKeyId) : base?.providerKeyId ?? null,
    matchType: v.matchType ?? base?.matchType ?? "",
    pattern: v.pattern !== undefined ? v.pattern.trim() : base?.pattern ?? "",
    requestTypes: v.requestTypes !== undefined ? v.requestTypes ?? [] : base?.requestTypes ?? [],
    patch: v.patch !== undefined ? toPatch(v.patch) : basePatch,
  };
}

const data = (d: Draft) => ({ ...d, patch: d.patch as Prisma.InputJsonValue });

export async function createPricingOverride(ctx: RequestContext, input: unknown): Promise<PricingOverride> {
  const d = draftFrom(parseInput(createSchema, input));
  validate(d);
  return audited(ctx, { action: "create", entity: "PricingOverride", idOf: (o: PricingOverride) => o.id }, (tx) => tx.pricingOverride.create({ data: { id: randomUUID(), ...data(d) } }));
}

async function load(id: string): Promise<PricingOverride> {
  safeArg(id, "pricing override id");
  const row = id.length <= 64 ? await db.pricingOverride.findUnique({ where: { id } }) : null;
  if (!row) throw new NotFoundError("Pricing override");
  return row;
}

export const getPricingOverride = (_ctx: RequestContext, id: string) => load(id);

/** `replace` (PUT): the body is the whole override; otherwise (PATCH) given fields change, the rest is kept. */
export async function updatePricingOverride(ctx: RequestContext, id: string, input: unknown, replace: boolean): Promise<PricingOverride> {
  const v = parseInput(replace ? createSchema : patchSchema, input);
  const current = await load(id);
  const d = draftFrom(v, replace ? undefined : current);
  validate(d);
  return audited(ctx, { action: "update", entity: "PricingOverride", id }, async (tx) => {
    const { count } = await tx.pricingOverride.updateMany({ where: { id }, data: data(d) });
    if (count === 0) throw new NotFoundError("Pricing override");
    return tx.pricingOverride.findUniqueOrThrow({ where: { id } });
  });
}

export async function deletePricingOverride(ctx: RequestContext, id: string): Promise<void> {
  safeArg(id, "pricing override id");
  await audited(ctx, { action: "delete", entity: "PricingOverride", id }, async (tx) => {
    const { count } = id.length <= 64 ? await tx.pricingOverride.deleteMany({ where: { id } }) : { count: 0 };
    if (count === 0) throw new NotFoundError("Pricing override");
  });
}

export interface PricingOverrideQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  scopeKind?: string | undefined;
  virtualKeyId?: string | undefined;
  providerId?: string | undefined;
  providerKeyId?: string | undefined;
}

export async function listPricingOverrides(_ctx: RequestContext, q: PricingOverrideQuery): Promise<Paged<PricingOverride>> {
  const page = parsePage(q, false);
  for (const [what, v] of [["scope_kind", q.scopeKind], ["virtual_key_id", q.virtualKeyId], ["provider_id", q.providerId], ["provider_key_id", q.providerKeyId]] as const) safeArg(v, `${what} parameter`);
  const where: Prisma.PricingOverrideWhereInput = {
    ...(q.scopeKind?.trim() ? { scopeKind: q.scopeKind.trim() } : {}),
    ...(q.virtualKeyId?.trim() ? { virtualKeyId: q.virtualKeyId.trim() } : {}),
    ...(q.providerId?.trim() ? { providerId: q.providerId.trim() } : {}),
    ...(q.providerKeyId?.trim() ? { providerKeyId: q.providerKeyId.trim() } : {}),
  };
  const [items, total] = await Promise.all([
    db.pricingOverride.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: page.limit, skip: page.offset }),
    db.pricingOverride.count({ where }),
  ]);
  return toPaged(items, total, page);
}
