/**
 * Provider keys (Bifrost's `/api/providers/{provider}/keys`): the API keys a provider is called with,
 * referenced by `provider_configs[].key_ids` (their `key_id` uuid). Callable from REST. Invariants:
 * a key belongs to exactly one existing provider; `name` is unique within its provider; `value` is a
 * secret or an `env.NAME` reference and is never returned; at most one of the azure / vertex / bedrock
 * configs is set (stored in `settings`, whose credential fields are secrets too). Weight is unitless.
 */
import { z } from "zod";
import { db, type Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import { Prisma, type ProviderKey } from "../generated/prisma/client.js";
import { audited } from "./audit.js";
import { ConflictError, NotFoundError, ValidationError } from "./errors.js";
import { sealSecret } from "./encryption.js";
import { checkSecret, resolveSecret, secretInput, type SecretInput } from "./secrets.js";
import { checkAllowList, fail, isUuid, parseInput } from "./validation.js";
import { safeArg, text } from "./text.js";
import { lockRow } from "./row-locks.js";

export const DUPLICATE_KEY_NAME = "API key names must be unique within a provider. Choose a different name";
export const KEY_VALUE_REQUIRED = "Key value must not be empty";

const deployments = z.record(z.string(), z.string());
const configShapes = {
  azureKeyConfig: z.strictObject({
    endpoint: z.string().optional(),
    apiVersion: z.string().optional(),
    deployments: deployments.optional(),
    clientId: secretInput.optional(),
    clientSecret: secretInput.optional(),
    tenantId: secretInput.optional(),
  }),
  vertexKeyConfig: z.strictObject({
    projectId: z.string().optional(),
    projectNumber: z.string().optional(),
    region: z.string().optional(),
    deployments: deployments.optional(),
    authCredentials: secretInput.optional(),
  }),
  bedrockKeyConfig: z.strictObject({
    region: z.string().optional(),
    arn: z.string().optional(),
    roleArn: z.string().optional(),
    deployments: deployments.optional(),
    accessKey: secretInput.optional(),
    secretKey: secretInput.optional(),
    sessionToken: secretInput.optional(),
  }),
};
export type ConfigKind = keyof typeof configShapes;
export const CONFIG_KINDS = Object.keys(configShapes) as ConfigKind[];
/** Each config's fields in declaration order (responses list them in this order). */
export const CONFIG_FIELDS = Object.fromEntries(CONFIG_KINDS.map((k) => [k, Object.keys(configShapes[k].shape)])) as Record<ConfigKind, string[]>;

/** Credential fields of each provider-specific config: stored, never returned. */
export const SECRET_FIELDS: Record<ConfigKind, readonly string[]> = {
  azureKeyConfig: ["clientId", "clientSecret", "tenantId"],
  vertexKeyConfig: ["authCredentials"],
  bedrockKeyConfig: ["accessKey", "secretKey", "sessionToken"],
};
const REQUIRED_FIELDS: Record<ConfigKind, readonly string[]> = {
  azureKeyConfig: ["endpoint"],
  vertexKeyConfig: ["projectId", "region"],
  bedrockKeyConfig: [],
};

/** What `settings` holds: one provider-specific config, keyed by its wire name (camelCase). */
export type KeySettings = Partial<Record<ConfigKind, Record<string, unknown>>>;

const keyShape = z.strictObject({
  name: text().optional(),
  value: secretInput.optional(),
  models: z.array(z.string()).optional(),
  weight: z.number().finite().optional(),
  enabled: z.boolean().optional(),
  useForBatchApi: z.boolean().optional(),
  azureKeyConfig: configShapes.azureKeyConfig.nullable().optional(),
  vertexKeyConfig: configShapes.vertexKeyConfig.nullable().optional(),
  bedrockKeyConfig: configShapes.bedrockKeyConfig.nullable().optional(),
});
type KeyInput = z.output<typeof keyShape>;

const wire = (kind: ConfigKind, field?: string) =>
  [kind, field].filter(Boolean).map((s) => s!.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join(".");

function checkKey(ctx: z.core.$RefinementCtx, v: KeyInput, creating: boolean): void {
  if (v.name !== undefined || creating) {
    if (!v.name?.trim()) return fail(ctx, ["name"], "Key name is required");
    if (v.name.trim().length > 255) return fail(ctx, ["name"], "Key name must be at most 255 characters");
  }
  if (v.value === "" || (creating && (v.value === undefined || resolveSecret(v.value) === undefined))) return fail(ctx, ["value"], KEY_VALUE_REQUIRED);
  checkSecret(ctx, ["value"], v.value, "value");
  checkAllowList(ctx, ["models"], v.models, "models");
  if (v.weight !== undefined && v.weight < 0) return fail(ctx, ["weight"], `weight cannot be negative: ${v.weight}`);
  for (const kind of CONFIG_KINDS) {
    const c = v[kind] as Record<string, unknown> | null | undefined;
    if (!c) continue;
    for (const f of SECRET_FIELDS[kind]) checkSecret(ctx, [kind, f], c[f] as SecretInput | undefined, wire(kind, f));
  }
}

export const createKeySchema = keyShape.superRefine((v, ctx) => checkKey(ctx, v, true));
export const updateKeySchema = keyShape.superRefine((v, ctx) => checkKey(ctx, v, false));

/**
 * Merges the configs given in a request into the stored settings: `null` removes a config, an object
 * replaces it, and a credential sent back in redacted form keeps the stored secret of that field.
 */
function mergeSettings(v: KeyInput, stored: KeySettings | null): KeySettings | undefined {
  if (CONFIG_KINDS.every((k) => v[k] === undefined)) return undefined;
  const next: KeySettings = { ...(stored ?? {}) };
  for (const kind of CONFIG_KINDS) {
    const given = v[kind] as Record<string, unknown> | null | undefined;
    if (given === undefined) continue;
    if (given === null) {
      delete next[kind];
      continue;
    }
    const config: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(given)) {
      if (value === undefined) continue;
      if (!SECRET_FIELDS[kind].includes(field)) config[field] = value;
      else config[field] = sealSecret(resolveSecret(value as SecretInput)) ?? stored?.[kind]?.[field];
    }
    for (const f of REQUIRED_FIELDS[kind]) {
      if (!config[f]) throw new ValidationError(`${wire(kind, f)} is required`, [{ path: [kind, f], message: `${wire(kind, f)} is required` }]);
    }
    next[kind] = Object.fromEntries(Object.entries(config).filter(([, x]) => x !== undefined));
  }
  if (Object.keys(next).length > 1) {
    const message = "only one of azure_key_config, vertex_key_config and bedrock_key_config can be set";
    throw new ValidationError(message, [{ path: [], message }]);
  }
  return next;
}

const settingsData = (s: KeySettings | undefined) =>
  s === undefined ? undefined : Object.keys(s).length ? (s as Prisma.InputJsonObject) : Prisma.DbNull;

function rethrowDuplicateKey(err: unknown): never {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new ConflictError(DUPLICATE_KEY_NAME);
  throw err;
}

async function assertProvider(tx: Tx, provider: string): Promise<void> {
  safeArg(provider, "provider name");
  if (!(await tx.provider.findUnique({ where: { name: provider }, select: { name: true } }))) throw new NotFoundError("Provider");
}

/** The provider's key (404s: provider, then key); `lock` locks it for the transaction's write (row-locks.ts). */
async function findKey(tx: Tx, provider: string, keyId: string, lock = false): Promise<ProviderKey> {
  await assertProvider(tx, provider);
  const exists = isUuid(keyId) && (!lock || (await lockRow(tx, "ProviderKey", keyId, provider)));
  const key = exists ? await tx.providerKey.findFirst({ where: { provider, keyId } }) : null;
  if (!key) throw new NotFoundError("Provider key");
  return key;
}

/** Adds a key to an existing provider (404 `Provider not found`); defaults: models [], weight 1, enabled. */
export async function createProviderKey(ctx: RequestContext, provider: string, input: unknown): Promise<ProviderKey> {
  const v = parseInput(createKeySchema, input);
  const settings = mergeSettings(v, null);
  return audited(ctx, { action: "create", entity: "ProviderKey", idOf: (k: ProviderKey) => k.keyId }, async (tx) => {
      await assertProvider(tx, provider);
      return tx.providerKey.create({
        data: {
          provider,
          name: v.name!.trim(),
          value: sealSecret(resolveSecret(v.value!)!),
          models: v.models ?? [],
          weight: v.weight ?? 1,
          enabled: v.enabled ?? true,
          useForBatchApi: v.useForBatchApi ?? false,
          settings: settingsData(settings),
        },
      });
    }).catch(rethrowDuplicateKey);
}

/** The provider's keys, oldest first (404 when the provider does not exist). */
export async function listProviderKeys(_ctx: RequestContext, provider: string): Promise<ProviderKey[]> {
  return db.$transaction(async (tx) => {
    await assertProvider(tx, provider);
    return tx.providerKey.findMany({ where: { provider }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  });
}

export async function getProviderKey(_ctx: RequestContext, provider: string, keyId: string): Promise<ProviderKey> {
  return db.$transaction((tx) => findKey(tx, provider, keyId));
}

/**
 * Partial update: present fields overwrite; an omitted or redacted `value` keeps the stored secret;
 * a config object replaces that config (redacted credentials inside it keep their stored values).
 */
export async function updateProviderKey(ctx: RequestContext, provider: string, keyId: string, input: unknown): Promise<ProviderKey> {
  const v = parseInput(updateKeySchema, input);
  return audited(ctx, { action: "update", entity: "ProviderKey", id: keyId }, async (tx) => {
      const key = await findKey(tx, provider, keyId, true);
      const settings = mergeSettings(v, key.settings as KeySettings | null);
      return tx.providerKey.update({
        where: { id: key.id },
        data: {
          name: v.name?.trim(),
          value: v.value === undefined ? undefined : sealSecret(resolveSecret(v.value)),
          models: v.models,
          weight: v.weight,
          enabled: v.enabled,
          useForBatchApi: v.useForBatchApi,
          settings: settingsData(settings),
        },
      });
    }).catch(rethrowDuplicateKey);
}

/** Deletes a key; VK provider configs that listed it lose it (join rows cascade). Returns the deleted row. */
export async function deleteProviderKey(ctx: RequestContext, provider: string, keyId: string): Promise<ProviderKey> {
  return audited(ctx, { action: "delete", entity: "ProviderKey", id: keyId }, async (tx) => {
    const key = await findKey(tx, provider, keyId, true);
    await tx.providerKey.delete({ where: { id: key.id } });
    return key;
  });
}
