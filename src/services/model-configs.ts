/**
 * Model configs (spec §1.8, §2.9): budgets and a rate limit for one model, on one provider or on every
 * provider (`provider` null = global). Callable from REST. Invariant: at most one config per
 * (model_name, provider), the global one included. PostgreSQL's unique index treats NULL providers as
 * distinct, so creates and edits take a transaction-scoped advisory lock on the model name and check
 * inside the same transaction; a duplicate is a 409 with Bifrost's text. Money in USD.
 */
import { z } from "zod";
import { db, type Tx } from "../db/client.js";
import type { RequestContext } from "../context.js";
import { Prisma } from "../generated/prisma/client.js";
import { audited } from "./audit.js";
import { ConflictError, NotFoundError } from "./errors.js";
import { updateLimits } from "./limit-updates.js";
import { createLimits, requestedBudgets } from "./limits.js";
import { listPage, parsePage, type Paged } from "./pagination.js";
import { PROVIDER_NAME } from "./providers.js";
import {
  BUDGET_AND_BUDGETS,
  budgetCreateShape,
  checkBudgetList,
  checkNewBudget,
  checkRateLimit,
  fail,
  isUuid,
  parseInput,
  rateLimitShape,
  updateFailure,
} from "./validation.js";
import { likeLiteral, MAX_PROVIDER, text } from "./text.js";
import { lockRow } from "./row-locks.js";

export const modelConfigInclude = {
  budgets: { orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }] },
  rateLimit: true,
} as const satisfies Prisma.ModelConfigInclude;
export type ModelConfigRow = Prisma.ModelConfigGetPayload<{ include: typeof modelConfigInclude }>;

/** Advisory-lock namespace for model-config uniqueness (first key of the two-int lock). */
const MODEL_CONFIG_LOCK = 0x4d43;

/** `provider`: absent keeps, null or "" means every provider (global), a name must look like one. */
const providerRef = text(MAX_PROVIDER)
  .nullable()
  .optional()
  .transform((v) => (v === undefined ? undefined : v === null || v.trim() === "" ? null : v.trim()));

function checkNames(ctx: z.core.$RefinementCtx, v: { modelName?: string | undefined; provider?: string | null | undefined }, creating: boolean): void {
  if (creating || v.modelName !== undefined) {
    if (!v.modelName?.trim()) return fail(ctx, ["modelName"], "Model name is required");
    if (v.modelName.trim().length > 255) return fail(ctx, ["modelName"], "Model name must be at most 255 characters");
  }
  if (v.provider && !PROVIDER_NAME.test(v.provider)) fail(ctx, ["provider"], `invalid provider name: ${v.provider}`);
}

const limitFields = {
  budget: budgetCreateShape.optional(),
  budgets: z.array(budgetCreateShape).optional(),
  rateLimit: rateLimitShape.optional(),
};

export const createModelConfigSchema = z
  .strictObject({ modelName: text().optional(), provider: providerRef, ...limitFields })
  .superRefine((v, ctx) => {
    checkNames(ctx, v, true);
    if (v.budget) checkNewBudget(ctx, ["budget"], v.budget);
    if (v.budgets) checkBudgetList(ctx, ["budgets"], v.budgets);
    if (v.rateLimit) checkRateLimit(ctx, ["rateLimit"], v.rateLimit);
  });

export const updateModelConfigSchema = z
  .strictObject({ modelName: text().optional(), provider: providerRef, ...limitFields, resetBudgetUsage: z.boolean().optional() })
  .superRefine((v, ctx) => {
    checkNames(ctx, v, false);
    if (v.budget && v.budgets) fail(ctx, ["budgets"], BUDGET_AND_BUDGETS);
  });

export const modelConfigConflictMessage = (model: string, provider: string | null) =>
  provider === null
    ? `Model config for model '${model}' (global) already exists`
    : `Model config for model '${model}' with provider '${provider}' already exists`;

/** Serializes writers of one model name, then checks that no other config has (model, provider). */
async function assertAvailable(tx: Tx, modelName: string, provider: string | null, exceptId?: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MODEL_CONFIG_LOCK}::int, hashtext(${modelName}))`;
  const other = await tx.modelConfig.findFirst({
    where: { modelName, provider, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (other) throw new ConflictError(modelConfigConflictMessage(modelName, provider), "duplicate_model_config");
}

const rethrowConflict = (modelName: string, provider: string | null) => (err: unknown) => {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
    throw new ConflictError(modelConfigConflictMessage(modelName, provider), "duplicate_model_config");
  }
  throw err;
};

/** Creates a config with its budgets and rate limit in one transaction; 409 when (model, provider) exists. */
export async function createModelConfig(ctx: RequestContext, input: unknown): Promise<ModelConfigRow> {
  const v = parseInput(createModelConfigSchema, input);
  const modelName = v.modelName!.trim();
  const provider = v.provider ?? null;
  const now = ctx.now();
  const id = await audited(ctx, { action: "create", entity: "ModelConfig", idOf: (id: string) => id }, async (tx) => {
      await assertAvailable(tx, modelName, provider);
      const mc = await tx.modelConfig.create({ data: { modelName, provider } });
      await createLimits(tx, { modelConfigId: mc.id }, requestedBudgets(v), v.rateLimit, false, now);
      return mc.id;
    }).catch(rethrowConflict(modelName, provider));
  return getModelConfig(ctx, id);
}

export async function getModelConfig(_ctx: RequestContext, id: string): Promise<ModelConfigRow> {
  const row = isUuid(id) ? await db.modelConfig.findUnique({ where: { id }, include: modelConfigInclude }) : null;
  if (!row) throw new NotFoundError("Model config");
  return row;
}

export interface ModelConfigListQuery {
  limit?: string | undefined;
  offset?: string | undefined;
  search?: string | undefined;
}

/** Lists configs (created_at, id order); `search` is a case-insensitive substring of the model name. */
export async function listModelConfigs(_ctx: RequestContext, q: ModelConfigListQuery): Promise<Paged<ModelConfigRow>> {
  const page = parsePage(q, Boolean(q.search));
  const where = q.search ? { modelName: { contains: likeLiteral(q.search), mode: "insensitive" as const } } : {};
  return listPage(page, (args) => db.modelConfig.findMany({ where, include: modelConfigInclude, ...args }), () => db.modelConfig.count({ where }));
}

/**
 * Updates a config in one transaction: `model_name` / `provider` (null or "" = global; the pair stays
 * unique), budgets (the VK rules), rate limit replaced as a whole (team rule, spec §2.9). 404 first;
 * later client mistakes are 400 `Failed to update model config: <reason>` (409 for a duplicate pair).
 */
export async function updateModelConfig(ctx: RequestContext, id: string, input: unknown): Promise<ModelConfigRow> {
  const v = parseInput(updateModelConfigSchema, input);
  const now = ctx.now();
  await audited(ctx, { action: "update", entity: "ModelConfig", id }, async (tx) => {
      const current = isUuid(id) && (await lockRow(tx, "ModelConfig", id)) ? await tx.modelConfig.findUnique({ where: { id } }) : null;
      if (!current) throw new NotFoundError("Model config");
      const modelName = v.modelName?.trim() ?? current.modelName;
      const provider = v.provider === undefined ? current.provider : v.provider;
      if (modelName !== current.modelName || provider !== current.provider) {
        await assertAvailable(tx, modelName, provider, id);
        await tx.modelConfig.update({ where: { id }, data: { modelName, provider } }).catch(rethrowConflict(modelName, provider));
      }
      await updateLimits(tx, { owner: { modelConfigId: id }, label: "model config", aligned: false }, v, { rateLimitMode: "replace", now });
    }).catch(updateFailure("Failed to update model config: "));
  return getModelConfig(ctx, id);
}

/** Deletes a config (404 first); its budgets and rate limit go with it (FK cascades). */
export async function deleteModelConfig(ctx: RequestContext, id: string): Promise<void> {
  await audited(ctx, { action: "delete", entity: "ModelConfig", id }, async (tx) => {
    const { count } = isUuid(id) ? await tx.modelConfig.deleteMany({ where: { id } }) : { count: 0 };
    if (count === 0) throw new NotFoundError("Model config");
  });
}
