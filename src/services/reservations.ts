/**
 * Reservation expiry. A check's hold on the counters is released when its usage is recorded (usage.ts) or,
 * if that never happens, once `reservationTtlMs` has passed: the sweep gives back each expired hold whose
 * window is still the generation it was taken in (a hold in a window that has since reset vanished with that
 * window). Safe with any number of instances (rows are claimed with SKIP LOCKED) and lock-ordered like the
 * check and record statements: reservations, then budgets by id, then rate limits by id.
 * The same lazy pass prunes the configuration change log (enforcement-config.ts).
 * Runs lazily (at most every `sweepIntervalMs`, triggered by checks, records and quota reads); tests call
 * `sweepExpiredReservations` directly. Amounts: USD, tokens, requests; times UTC.
 */
import { rawSql } from "../db/client.js";
import { pruneConfigChanges } from "./enforcement-config.js";

export const enforcementOptions = {
  /** How long a check's reservation holds its amounts if its usage is never recorded (ms). */
  reservationTtlMs: 5 * 60_000,
  /** Minimum time between two lazy sweeps in one process (ms). */
  sweepIntervalMs: 30_000,
  /** Reservations released per sweep statement. */
  sweepBatch: 500,
};

/** Overrides options (tests, benchmarks). */
export function configureEnforcement(options: Partial<typeof enforcementOptions>): void {
  Object.assign(enforcementOptions, options);
}

const SWEEP_SQL = `
WITH rv AS (
  SELECT "requestId", "cost", "tokens", "budgetIds", "budgetGenerations", "rateLimitIds", "tokenGenerations", "requestGenerations"
  FROM "Reservation" WHERE "expiresAt" <= $1::timestamptz ORDER BY "expiresAt" LIMIT $2 FOR UPDATE SKIP LOCKED),
del AS (DELETE FROM "Reservation" r USING rv WHERE r."requestId" = rv."requestId" RETURNING 1),
rb AS (SELECT u.id::uuid AS id, u.gen, rv."cost" FROM rv, unnest(rv."budgetIds", rv."budgetGenerations") AS u(id, gen)),
bl AS (
  SELECT b."id", b."currentUsage" AS cu, b."generation" AS gen
  FROM (SELECT DISTINCT id FROM rb) ids JOIN "Budget" b ON b."id" = ids.id
  ORDER BY b."id" FOR UPDATE OF b),
bd AS (SELECT bl."id", bl.cu, sum(rb."cost") FILTER (WHERE rb.gen = bl.gen) AS held FROM bl JOIN rb ON rb.id = bl."id" GROUP BY bl."id", bl.cu),
ub AS (UPDATE "Budget" b SET "currentUsage" = bd.cu - bd.held FROM bd WHERE b."id" = bd."id" AND bd.held > 0 RETURNING 1),
rr AS (SELECT u.id::uuid AS id, u.tg, u.rg, rv."tokens" FROM rv, unnest(rv."rateLimitIds", rv."tokenGenerations", rv."requestGenerations") AS u(id, tg, rg)),
rl AS (
  SELECT r."id", r."tokenCurrentUsage" AS tcu, r."tokenGeneration" AS tgen, r."requestCurrentUsage" AS rcu, r."requestGeneration" AS rgen
  FROM (SELECT DISTINCT id FROM rr) ids JOIN "RateLimit" r ON r."id" = ids.id
  WHERE (SELECT count(*) FROM bl) >= 0
  ORDER BY r."id" FOR UPDATE OF r),
rd AS (
  SELECT rl."id", rl.tcu, rl.rcu, COALESCE(sum(rr.tokens) FILTER (WHERE rr.tg = rl.tgen), 0) AS theld,
    count(*) FILTER (WHERE rr.rg = rl.rgen) AS rheld
  FROM rl JOIN rr ON rr.id = rl."id" GROUP BY rl."id", rl.tcu, rl.rcu),
ur AS (
  UPDATE "RateLimit" r SET "tokenCurrentUsage" = rd.tcu - rd.theld, "requestCurrentUsage" = rd.rcu - rd.rheld
  FROM rd WHERE r."id" = rd."id" AND (rd.theld > 0 OR rd.rheld > 0) RETURNING 1)
SELECT (SELECT count(*) FROM del)::int AS released, (SELECT count(*) FROM ub)::int AS budgets, (SELECT count(*) FROM ur)::int AS rate_limits`;

/** Releases reservations that expired at or before `now`, in batches; returns how many were released. */
export async function sweepExpiredReservations(now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await rawSql.query<{ released: number }>(SWEEP_SQL, [now.toISOString(), enforcementOptions.sweepBatch], "gov_sweep_v2");
    total += row?.released ?? 0;
    if ((row?.released ?? 0) < enforcementOptions.sweepBatch) return total;
  }
}

let lastSweep = 0;
let running: Promise<unknown> | null = null;
/** The last lazy sweep's failure (it is retried at the next interval); for diagnostics. */
export let lastSweepError: unknown = null;

/** Starts a sweep in the background when the interval has passed since the last one (never awaits it). */
export function maybeSweep(now: Date): void {
  if (running || now.getTime() - lastSweep < enforcementOptions.sweepIntervalMs) return;
  lastSweep = now.getTime();
  running = Promise.all([sweepExpiredReservations(now), pruneConfigChanges(now)])
    .then(() => (lastSweepError = null), (err: unknown) => (lastSweepError = err))
    .finally(() => (running = null));
}
