/**
 * The record statement: ONE round trip records a batch of requests that share a chain (concurrent records of
 * one key/provider/model are coalesced; a lone record is a batch of one), atomically. In order it: claims
 * the requests' reservations (FOR UPDATE, by request id), refuses ids reserved or recorded by another key
 * (conflict), inserts their UsageRecords in request-id order (the primary key makes a request already
 * recorded — earlier or concurrently on another instance — a no-op), and only for the requests actually
 * inserted: locks the chain's budgets, then rate limits (id order, as every enforcement statement), resets
 * expired windows (a new generation), adds the real amounts to every row of the chain, gives back each
 * reservation's hold on every row whose generation is still the one it was taken in, and deletes those
 * reservations. Counters are never clamped (a negative is refused by the table's CHECK: a bug, not hidden).
 * Writes nothing when the caller's cached configuration changed since its snapshots (it reloads and retries).
 * Money USD (numeric text), tokens bigint text, time UTC. Callers: src/services/usage.ts only.
 */
import { rawSql } from "../db/client.js";
import { Coalescer } from "./coalesce.js";
import { chainArrays, OVERRIDE_ON_RESET } from "./enforcement-sql.js";
import { freshSql, type BudgetRef, type Freshness, type RateLimitRef } from "./enforcement-config.js";

const RECORD_SQL = `
WITH fresh AS (SELECT 1 WHERE ${freshSql("$1", "$21")}),
req AS (
  SELECT * FROM unnest($13::text[], $14::numeric[], $15::bigint[], $16::int[], $17::boolean[], $18::bigint[], $19::numeric[])
    AS q(rid, cost, tok, n, ok, rtok, rcost)),
rv AS (
  SELECT r."requestId", (r."keyHash" IS NOT DISTINCT FROM $20::text OR r."virtualKeyId" IS NOT DISTINCT FROM $10::uuid AND $10::uuid IS NOT NULL) AS mine, r."cost", r."tokens",
    r."budgetIds", r."budgetGenerations", r."rateLimitIds", r."tokenGenerations", r."requestGenerations"
  FROM "Reservation" r WHERE r."requestId" IN (SELECT rid FROM req) AND EXISTS (SELECT 1 FROM fresh)
  ORDER BY r."requestId" FOR UPDATE OF r),
prior AS (SELECT u."requestId", (u."keyHash" IS NOT DISTINCT FROM $20::text OR u."virtualKeyId" IS NOT DISTINCT FROM $10::uuid AND $10::uuid IS NOT NULL) AS mine FROM "UsageRecord" u WHERE u."requestId" IN (SELECT rid FROM req)),
clear AS (
  SELECT q.* FROM req q
  WHERE NOT EXISTS (SELECT 1 FROM rv WHERE rv."requestId" = q.rid AND NOT rv.mine)
    AND NOT EXISTS (SELECT 1 FROM prior p WHERE p."requestId" = q.rid)),
ins AS (
  INSERT INTO "UsageRecord" ("requestId", "virtualKeyId", "keyHash", "provider", "model", "tokens", "cost", "success", "reservedCost", "reservedTokens")
  SELECT q.rid, $10::uuid, $20::text, $11, $12, q.rtok, q.rcost, q.ok, COALESCE(rv."cost", 0), COALESCE(rv."tokens", 0)
  FROM clear q LEFT JOIN rv ON rv."requestId" = q.rid
  WHERE EXISTS (SELECT 1 FROM fresh)
  ORDER BY q.rid
  ON CONFLICT ("requestId") DO NOTHING RETURNING "requestId"),
done AS (SELECT q.* FROM req q WHERE q.rid IN (SELECT "requestId" FROM ins)),
held AS (SELECT rv.* FROM rv WHERE rv."requestId" IN (SELECT "requestId" FROM ins)),
del AS (DELETE FROM "Reservation" r USING held WHERE r."requestId" = held."requestId" RETURNING r."requestId"),
tot AS (SELECT COALESCE(sum(cost), 0) AS c, COALESCE(sum(tok), 0) AS t, COALESCE(sum(n), 0) AS n, count(*) AS k FROM done),
rb AS (SELECT u.id::uuid AS id, u.gen, held."cost" FROM held, unnest(held."budgetIds", held."budgetGenerations") AS u(id, gen)),
bin AS (SELECT * FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS t(id, thr, nrs)),
bl AS (
  SELECT b."id", (bin.id IS NOT NULL) AS charged, (b."lastReset" < bin.thr) IS TRUE AS expired, bin.nrs,
    b."currentUsage" AS cu, b."lastReset" AS lr, b."generation" AS gen
  FROM (SELECT id FROM bin UNION SELECT id FROM rb) ids JOIN "Budget" b ON b."id" = ids.id LEFT JOIN bin ON bin.id = b."id"
  WHERE (SELECT k FROM tot) > 0
  ORDER BY b."id" FOR UPDATE OF b),
bh AS (SELECT bl."id", COALESCE(sum(rb."cost") FILTER (WHERE rb.gen = bl.gen), 0) AS held FROM bl LEFT JOIN rb ON rb.id = bl."id" GROUP BY bl."id"),
ub AS (
  UPDATE "Budget" b SET
    "currentUsage" = CASE WHEN bl.expired THEN tot.c WHEN bl.charged THEN bl.cu + tot.c - bh.held ELSE bl.cu - bh.held END,
    "lastReset" = CASE WHEN bl.expired THEN bl.nrs ELSE bl.lr END,
    "generation" = bl.gen + CASE WHEN bl.expired THEN 1 ELSE 0 END,${OVERRIDE_ON_RESET}
  FROM bl JOIN bh ON bh."id" = bl."id", tot WHERE b."id" = bl."id" RETURNING 1),
rr AS (SELECT u.id::uuid AS id, u.tg, u.rg, held."tokens" FROM held, unnest(held."rateLimitIds", held."tokenGenerations", held."requestGenerations") AS u(id, tg, rg)),
rin AS (SELECT * FROM unnest($5::uuid[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[]) AS t(id, tthr, tnrs, rthr, rnrs)),
rl AS (
  SELECT r."id", (rin.id IS NOT NULL) AS charged,
    (r."tokenLastReset" < rin.tthr) IS TRUE AS texp, rin.tnrs, r."tokenCurrentUsage" AS tcu, r."tokenLastReset" AS tlr, r."tokenGeneration" AS tgen,
    (r."requestLastReset" < rin.rthr) IS TRUE AS rexp, rin.rnrs, r."requestCurrentUsage" AS rcu, r."requestLastReset" AS rlr, r."requestGeneration" AS rgen
  FROM (SELECT id FROM rin UNION SELECT id FROM rr) ids JOIN "RateLimit" r ON r."id" = ids.id LEFT JOIN rin ON rin.id = r."id"
  WHERE (SELECT k FROM tot) > 0 AND (SELECT count(*) FROM bl) >= 0
  ORDER BY r."id" FOR UPDATE OF r),
rh AS (
  SELECT rl."id", COALESCE(sum(rr.tokens) FILTER (WHERE rr.tg = rl.tgen), 0) AS theld, count(rr.id) FILTER (WHERE rr.rg = rl.rgen) AS rheld
  FROM rl LEFT JOIN rr ON rr.id = rl."id" GROUP BY rl."id"),
ur AS (
  UPDATE "RateLimit" r SET
    "tokenCurrentUsage" = CASE WHEN rl.texp THEN tot.t WHEN rl.charged THEN rl.tcu + tot.t - rh.theld ELSE rl.tcu - rh.theld END,
    "tokenLastReset" = CASE WHEN rl.texp THEN rl.tnrs ELSE rl.tlr END,
    "tokenGeneration" = rl.tgen + CASE WHEN rl.texp THEN 1 ELSE 0 END,
    "requestCurrentUsage" = CASE WHEN rl.rexp THEN tot.n WHEN rl.charged THEN rl.rcu + tot.n - rh.rheld ELSE rl.rcu - rh.rheld END,
    "requestLastReset" = CASE WHEN rl.rexp THEN rl.rnrs ELSE rl.rlr END,
    "requestGeneration" = rl.rgen + CASE WHEN rl.rexp THEN 1 ELSE 0 END
  FROM rl JOIN rh ON rh."id" = rl."id", tot WHERE r."id" = rl."id" RETURNING 1)
SELECT EXISTS (SELECT 1 FROM fresh) AS fresh,
  COALESCE((SELECT array_agg(rid) FROM done), '{}') AS recorded, COALESCE((SELECT array_agg("requestId") FROM del), '{}') AS settled,
  COALESCE((SELECT array_agg("requestId") FROM prior WHERE mine), '{}') AS duplicates,
  COALESCE((SELECT array_agg("requestId") FROM rv WHERE NOT mine) || (SELECT array_agg("requestId") FROM prior WHERE NOT mine), '{}') AS conflicts,
  (SELECT count(*) FROM ub)::int AS budgets, (SELECT count(*) FROM ur)::int AS rate_limits`;

/** What every record of one batch shares. */
export interface RecordChain {
  freshness: Freshness;
  budgets: BudgetRef[];
  rateLimits: RateLimitRef[];
  virtualKeyId: string | null;
  /** SHA-256 of the presented key value (null: no key); only the key that reserved a request id may record it. */
  keyHash: string | null;
  provider: string;
  model: string;
  now: Date;
}

export interface RecordRequest {
  chain: RecordChain;
  requestId: string;
  /** Charged to every budget of the chain (a failed call pays what it reports, spec §3.6), USD. */
  cost: string;
  /** Charged to every token window. */
  tokens: string;
  /** 1 for a successful call, 0 for a failed one (only the request counter is exempt). */
  requests: 0 | 1;
  success: boolean;
  /** As reported, stored on the UsageRecord. */
  reportedTokens: string;
  reportedCost: string;
}

/** recorded: charged now; duplicate: this key recorded it before; conflict: another key holds or recorded the id; retry: a concurrent record of the id is committing. */
export type RecordStatus = "recorded" | "duplicate" | "conflict" | "retry";

export interface RecordOutcome {
  fresh: boolean;
  status: RecordStatus;
  /** A reservation for it was found and settled. */
  settled: boolean;
  /** Budget and rate-limit rows updated by the statement (shared by the batch). */
  budgets: number;
  rateLimits: number;
}

type Row = { fresh: boolean; recorded: string[]; settled: string[]; duplicates: string[]; conflicts: string[]; budgets: number; rate_limits: number };

async function runRecordBatch(batch: RecordRequest[]): Promise<RecordOutcome[]> {
  const c = batch[0]!.chain;
  const [row] = await rawSql.query<Row>(
    RECORD_SQL,
    [
      c.freshness.scopes, ...chainArrays(c.budgets, c.rateLimits, c.now), c.virtualKeyId, c.provider, c.model,
      batch.map((r) => r.requestId), batch.map((r) => r.cost), batch.map((r) => r.tokens), batch.map((r) => r.requests),
      batch.map((r) => r.success), batch.map((r) => r.reportedTokens), batch.map((r) => r.reportedCost), c.keyHash,
      c.freshness.snapshots,
    ],
    "gov_record_v4",
  );
  const recorded = new Set(row!.recorded);
  const settled = new Set(row!.settled);
  const duplicates = new Set(row!.duplicates);
  const conflicts = new Set(row!.conflicts);
  const status = (id: string): RecordStatus =>
    recorded.has(id) ? "recorded" : conflicts.has(id) ? "conflict" : duplicates.has(id) ? "duplicate" : "retry";
  return batch.map((r) => ({
    fresh: row!.fresh,
    status: status(r.requestId),
    settled: settled.has(r.requestId),
    budgets: row!.budgets,
    rateLimits: row!.rate_limits,
  }));
}

const recordKey = (c: RecordChain) =>
  [...c.freshness.scopes, ...c.freshness.snapshots, c.virtualKeyId ?? "-", c.keyHash ?? "-", c.provider, c.model, ...c.budgets.map((b) => b.id), "|", ...c.rateLimits.map((r) => r.id)].join("\u0000");

const records = new Coalescer<RecordRequest, RecordOutcome>((_key, batch) => runRecordBatch(batch), (r) => r.requestId);

/** Records one request; concurrent records of the same chain share a statement. */
export function runRecord(request: RecordRequest): Promise<RecordOutcome> {
  return records.submit(recordKey(request.chain), request);
}
