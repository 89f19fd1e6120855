/**
 * Estimates for checks that carry none (issue 8): a check without `estimated_cost` / `estimated_tokens`
 * reserves a high percentile of the key+provider+model's recently recorded usage, so a cap still holds under
 * concurrency when the gateway sends no estimate. Samples: the last `samples` UsageRecords of that key, provider
 * and model, read from the database at most every `ttlMs` per process (so every instance learns from every
 * instance's records) and extended at once by the records this process writes. No history (or no key): the
 * floors. Money USD, tokens counts.
 *
 * Bound (documented in README): with estimate e = max(floor, p-quantile of recent costs), the cap is exceeded
 * by at most Σ over requests in flight of max(0, real − e), plus the one request that crosses the cap. A key
 * whose calls cost what they recently cost overshoots by ~0; a key with no history admits up to
 * remaining / floorCost requests in one burst (floors default to 0: set ESTIMATE_FLOOR_USD to bound it).
 */
import { rawSql } from "../db/client.js";

export const estimateOptions = {
  /** Recent records per key+provider+model the percentile is taken over. */
  samples: 50,
  /** The percentile reserved (0..1). */
  percentile: 0.95,
  /** Smallest cost reserved without an estimate (USD). */
  floorCost: 0,
  /** Smallest token count reserved without an estimate. */
  floorTokens: 0,
  /** How long samples read from the database are reused before reading them again (ms). */
  ttlMs: 10_000,
};

/** Overrides options (src/main.ts from the environment, tests). */
export function configureEstimates(options: Partial<typeof estimateOptions>): void {
  Object.assign(estimateOptions, options);
}

interface Samples {
  costs: number[];
  tokens: number[];
  loadedAt: number;
}

const MAX_KEYS = 10_000;
const learned = new Map<string, Samples>();
const loading = new Map<string, Promise<Samples>>();
const keyOf = (vkId: string, provider: string, model: string) => `${vkId}\u0000${provider}\u0000${model}`;

function remember(key: string, s: Samples): void {
  learned.delete(key);
  learned.set(key, s);
  if (learned.size > MAX_KEYS) learned.delete(learned.keys().next().value!);
}

async function load(vkId: string, provider: string, model: string): Promise<Samples> {
  const rows = await rawSql.query<{ cost: string; tokens: string }>(
    `SELECT "cost"::text AS cost, "tokens"::text AS tokens FROM "UsageRecord"
     WHERE "virtualKeyId" = $1::uuid AND "provider" = $2 AND "model" = $3 ORDER BY "createdAt" DESC LIMIT $4`,
    [vkId, provider, model, estimateOptions.samples],
    "gov_estimate_samples_v1",
  );
  return { costs: rows.map((r) => Number(r.cost)).reverse(), tokens: rows.map((r) => Number(r.tokens)).reverse(), loadedAt: Date.now() };
}

async function samplesOf(vkId: string, provider: string, model: string): Promise<Samples> {
  const key = keyOf(vkId, provider, model);
  const hit = learned.get(key);
  if (hit && Date.now() - hit.loadedAt < estimateOptions.ttlMs) return hit;
  const running = loading.get(key);
  if (running) return running;
  const p = load(vkId, provider, model)
    .then((s) => (remember(key, s), s))
    .finally(() => loading.delete(key));
  loading.set(key, p);
  return p;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** What to reserve when the check gave no estimate (each amount only where it is missing). */
export async function estimateFor(
  vkId: string | null,
  provider: string,
  model: string,
  given: { cost: number | undefined; tokens: number | undefined },
): Promise<{ cost: number; tokens: number }> {
  if (given.cost !== undefined && given.tokens !== undefined) return { cost: given.cost, tokens: given.tokens };
  const s = vkId ? await samplesOf(vkId, provider, model) : { costs: [], tokens: [] };
  return {
    cost: given.cost ?? Math.max(estimateOptions.floorCost, quantile(s.costs, estimateOptions.percentile)),
    tokens: given.tokens ?? Math.max(estimateOptions.floorTokens, Math.ceil(quantile(s.tokens, estimateOptions.percentile))),
  };
}

/** A record this process wrote: a sample at once (other instances see it at their next read). */
export function learnFrom(vkId: string | null, provider: string, model: string, cost: number, tokens: number): void {
  if (!vkId) return;
  const s = learned.get(keyOf(vkId, provider, model));
  if (!s) return; // never asked for: the next read from the database includes it
  s.costs.push(cost);
  s.tokens.push(tokens);
  if (s.costs.length > estimateOptions.samples) {
    s.costs.shift();
    s.tokens.shift();
  }
}
