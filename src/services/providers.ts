/**
 * Providers the gateway serves (Bifrost's `/api/providers`): a name that provider keys, provider
 * governance and `provider_configs[].key_ids` hang off. Callable from REST (and later GraphQL).
 * Deleting a provider deletes its keys (which drops them from every VK provider config that listed
 * them) and its provider-level budgets and rate limit, in one statement (FK cascades).
 */
import { z } from "zod";
import { db } from "../db/client.js";
import type { RequestContext } from "../context.js";
import { Prisma } from "../generated/prisma/client.js";
import { audited } from "./audit.js";
import { ConflictError, NotFoundError } from "./errors.js";
import { fail, parseInput } from "./validation.js";
import { MAX_PROVIDER, safeArg, text } from "./text.js";

export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_.-]{0,49}$/i;

export const providerInclude = {
  keys: { orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }] },
} as const satisfies Prisma.ProviderInclude;
export type ProviderRow = Prisma.ProviderGetPayload<{ include: typeof providerInclude }>;

export const createProviderSchema = z.strictObject({ provider: text(MAX_PROVIDER).optional() }).superRefine((v, ctx) => {
  if (!v.provider?.trim()) return fail(ctx, ["provider"], "Missing provider");
  if (!PROVIDER_NAME.test(v.provider)) fail(ctx, ["provider"], `invalid provider name: ${v.provider}`);
});

/** Registers a provider. An existing name is a client mistake: 400 `Provider <p> already exists` (Bifrost: 409). */
export async function createProvider(ctx: RequestContext, input: unknown): Promise<ProviderRow> {
  const { provider } = parseInput(createProviderSchema, input);
  try {
    await audited(ctx, { action: "create", entity: "Provider", id: provider! }, (tx) => tx.provider.create({ data: { name: provider! } }));
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ConflictError(`Provider ${provider} already exists`, "duplicate");
    }
    throw err;
  }
  return getProvider(ctx, provider!);
}

/** One provider with its keys (oldest first); 404 `Provider not found`. */
export async function getProvider(_ctx: RequestContext, name: string): Promise<ProviderRow> {
  safeArg(name, "provider name");
  const row = await db.provider.findUnique({ where: { name }, include: providerInclude });
  if (!row) throw new NotFoundError("Provider");
  return row;
}

/** Every provider, sorted by name (Bifrost's order), each with its keys. */
export async function listProviders(_ctx: RequestContext): Promise<ProviderRow[]> {
  return db.provider.findMany({ include: providerInclude, orderBy: { name: "asc" } });
}

/** Deletes a provider and, by cascade, its keys, their VK bindings and its governance rows. */
export async function deleteProvider(ctx: RequestContext, name: string): Promise<void> {
  safeArg(name, "provider name");
  await audited(ctx, { action: "delete", entity: "Provider", id: name }, async (tx) => {
    const { count } = await tx.provider.deleteMany({ where: { name } });
    if (count === 0) throw new NotFoundError("Provider");
  });
}
