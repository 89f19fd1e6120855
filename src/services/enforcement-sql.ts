/**
 * The check statement: ONE round trip decides a batch of checks that share a chain (src/services/coalesce.ts
 * batches concurrent checks of one key/provider/model; a lone check is a batch of one). It locks the chain's
 * budget rows, then its rate-limit rows, each in id order (the global lock order of every enforcement
 * statement, so they cannot deadlock each other), treats expired windows as fresh, and admits the requests
 * in order while every level is still below its cap (a monotone condition, so the admitted requests are a
 * prefix of the batch: exactly what running them one by one would admit). Only when the caller's cached
 * configuration is still current (no change of its scopes since its snapshots), it adds the admitted amounts to every row and inserts one Reservation per
 * admitted request. Money in USD (numeric, passed as text), tokens as bigint text, time UTC.
 * Hand-written SQL for PostgreSQL 15+ (PGlite runs 18). Callers: src/services/enforcement.ts only.
 */
import { rawSql } from "../db/client.js";
import { expiryThreshold, resetStart } from "../lib/duration.js";
import { Coalescer } from "./coalesce.js";
import { freshSql, type BudgetRef, type Freshness, type RateLimitRef } from "./enforcement-config.js";

/** A timestamptz(3) as bigint milliseconds since the Unix epoch (exact; independent of DateStyle/TimeZone). */
export const epochMs = (col: string) => `(extract(epoch from ${col}) * 1000)::bigint`;
const ms = (col: string) => `${epochMs(col)}::text`;

/** A reset (expired window) also counts down a `cycles` override; its last cycle clears it (spec §6). */
export const OVERRIDE_ON_RESET = `
    "overrideAmount" = CASE WHEN bl.expired AND b."overrideMode" = 'cycles' AND b."overrideCyclesRemaining" <= 1 THEN NULL ELSE b."overrideAmount" END,
    "overrideMode" = CASE WHEN bl.expired AND b."overrideMode" = 'cycles' AND b."overrideCyclesRemaining" <= 1 THEN NULL ELSE b."overrideMode" END,
    "overrideCyclesRemaining" = CASE WHEN bl.expired AND b."overrideMode" = 'cycles' THEN NULLIF(b."overrideCyclesRemaining" - 1, 0) ELSE b."overrideCyclesRemaining" END`;

const CHECK_SQL = `
WITH req AS (SELECT * FROM unnest($15::text[], $16::numeric[], $17::bigint[]) WITH ORDINALITY AS q(rid, cost, tok, ord)),
new AS (
  SELECT q.* FROM req q
  WHERE NOT EXISTS (SELECT 1 FROM "Reservation" r WHERE r."requestId" = q.rid)
    AND NOT EXISTS (SELECT 1 FROM "UsageRecord" u WHERE u."requestId" = q.rid)),
cand AS (
  SELECT rid, cost, tok, ord, (count(*) OVER w) - 1 AS k, (sum(cost) OVER w) - cost AS cbefore, (sum(tok) OVER w) - tok AS tbefore
  FROM new WINDOW w AS (ORDER BY ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
bin AS (SELECT * FROM unnest($2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS t(id, thr, nrs)),
bl AS (
  SELECT b."id", (b."lastReset" < bin.thr) IS TRUE AS expired,
    b."maxLimit" + CASE WHEN b."overrideAmount" IS NULL THEN 0
      WHEN (b."lastReset" < bin.thr) IS TRUE AND b."overrideMode" = 'cycles' AND b."overrideCyclesRemaining" <= 1 THEN 0
      ELSE b."overrideAmount" END AS lim,
    CASE WHEN (b."lastReset" < bin.thr) IS TRUE THEN 0 ELSE b."currentUsage" END AS used,
    CASE WHEN (b."lastReset" < bin.thr) IS TRUE THEN bin.nrs ELSE b."lastReset" END AS epoch,
    b."generation" + CASE WHEN (b."lastReset" < bin.thr) IS TRUE THEN 1 ELSE 0 END AS gen
  FROM "Budget" b JOIN bin ON bin.id = b."id"
  ORDER BY b."id" FOR UPDATE OF b),
rin AS (SELECT * FROM unnest($5::uuid[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[]) AS t(id, tthr, tnrs, rthr, rnrs)),
rl AS (
  SELECT r."id", r."tokenMaxLimit" AS tlim, r."requestMaxLimit" AS rlim,
    CASE WHEN (r."tokenLastReset" < rin.tthr) IS TRUE THEN 0 ELSE r."tokenCurrentUsage" END AS tused,
    CASE WHEN (r."tokenLastReset" < rin.tthr) IS TRUE THEN rin.tnrs ELSE r."tokenLastReset" END AS tepoch,
    r."tokenGeneration" + CASE WHEN (r."tokenLastReset" < rin.tthr) IS TRUE THEN 1 ELSE 0 END AS tgen,
    CASE WHEN (r."requestLastReset" < rin.rthr) IS TRUE THEN 0 ELSE r."requestCurrentUsage" END AS rused,
    CASE WHEN (r."requestLastReset" < rin.rthr) IS TRUE THEN rin.rnrs ELSE r."requestLastReset" END AS repoch,
    r."requestGeneration" + CASE WHEN (r."requestLastReset" < rin.rthr) IS TRUE THEN 1 ELSE 0 END AS rgen
  FROM "RateLimit" r JOIN rin ON rin.id = r."id"
  WHERE (SELECT count(*) FROM bl) >= 0
  ORDER BY r."id" FOR UPDATE OF r),
st AS (
  SELECT ${freshSql("$1", "$19")}
    AND (SELECT count(*) FROM bl) = cardinality($2::uuid[]) AND (SELECT count(*) FROM rl) = cardinality($5::uuid[]) AS fresh),
adm AS (
  SELECT c.* FROM cand c, st WHERE st.fresh AND $10::boolean
    AND NOT EXISTS (SELECT 1 FROM bl WHERE bl.used + c.cbefore >= bl.lim)
    AND NOT EXISTS (SELECT 1 FROM rl WHERE rl.tused + c.tbefore >= rl.tlim OR rl.rused + c.k >= rl.rlim)),
tot AS (SELECT COALESCE(sum(cost), 0) AS c, COALESCE(sum(tok), 0) AS t, count(*) AS n FROM adm),
ub AS (
  UPDATE "Budget" b SET "currentUsage" = bl.used + tot.c, "lastReset" = bl.epoch, "generation" = bl.gen,${OVERRIDE_ON_RESET}
  FROM bl, tot WHERE b."id" = bl."id" AND tot.n > 0 RETURNING 1),
ur AS (
  UPDATE "RateLimit" r SET "tokenCurrentUsage" = rl.tused + tot.t, "tokenLastReset" = rl.tepoch, "tokenGeneration" = rl.tgen,
    "requestCurrentUsage" = rl.rused + tot.n, "requestLastReset" = rl.repoch, "requestGeneration" = rl.rgen
  FROM rl, tot WHERE r."id" = rl."id" AND tot.n > 0 RETURNING 1),
arr AS (
  SELECT COALESCE((SELECT array_agg(id::text ORDER BY id) FROM bl), '{}') AS bids,
    COALESCE((SELECT array_agg(gen ORDER BY id) FROM bl), '{}') AS bgens,
    COALESCE((SELECT array_agg(id::text ORDER BY id) FROM rl), '{}') AS rids,
    COALESCE((SELECT array_agg(tgen ORDER BY id) FROM rl), '{}') AS tgens,
    COALESCE((SELECT array_agg(rgen ORDER BY id) FROM rl), '{}') AS rgens),
ins AS (
  INSERT INTO "Reservation" ("requestId", "virtualKeyId", "keyHash", "provider", "model", "cost", "tokens",
    "budgetIds", "budgetGenerations", "rateLimitIds", "tokenGenerations", "requestGenerations", "expiresAt")
  SELECT adm.rid, $11::uuid, $18::text, $12, $13, adm.cost, adm.tok, arr.bids, arr.bgens, arr.rids, arr.tgens, arr.rgens, $14::timestamptz
  FROM adm, arr ORDER BY adm.rid RETURNING "requestId"),
head AS (
  SELECT st.fresh,
    (SELECT array_agg(CASE WHEN q.rid IN (SELECT "requestId" FROM ins) THEN 'a' WHEN q.rid IN (SELECT rid FROM new) THEN 'x'
      WHEN EXISTS (SELECT 1 FROM "Reservation" r WHERE r."requestId" = q.rid AND r."provider" = $12 AND r."model" = $13
        AND (r."keyHash" IS NOT DISTINCT FROM $18::text OR r."virtualKeyId" = $11::uuid)) THEN 'd' ELSE 'c' END ORDER BY q.ord) FROM req q) AS statuses
  FROM st),
lim AS (
  SELECT 'b' AS kind, id::text AS id, used::text AS used, lim::text AS lim, used + tot.c >= lim AS over, (used + tot.c)::text AS fused, ${ms("epoch")} AS epoch,
    NULL::text AS tused, NULL::text AS tlim, NULL::boolean AS tover, NULL::text AS ftused, NULL::text AS tepoch,
    NULL::text AS rused, NULL::text AS rlim, NULL::boolean AS rover, NULL::text AS frused, NULL::text AS repoch
  FROM bl, tot
  UNION ALL
  SELECT 'r', id::text, NULL, NULL, NULL, NULL, NULL,
    tused::text, tlim::text, tused + tot.t >= tlim, (tused + tot.t)::text, ${ms("tepoch")},
    rused::text, rlim::text, rused + tot.n >= rlim, (rused + tot.n)::text, ${ms("repoch")}
  FROM rl, tot)
SELECT head.*, lim.* FROM head LEFT JOIN lim ON true`;

export interface BudgetState {
  ref: BudgetRef;
  /** USD in the current window before this batch; 0 when the window had expired. */
  used: string;
  /** USD after every admission of this batch (what a denied request saw). */
  finalUsed: string;
  /** Effective limit in USD: max_limit + override_amount. */
  limit: string;
  /** At or over the cap after this batch's admissions (Bifrost's rule: blocked when usage >= limit). */
  over: boolean;
  /** The window's last_reset (after the reset this statement stored, if any). */
  lastReset: Date;
}

export interface RateLimitState {
  ref: RateLimitRef;
  tokensUsed: string;
  finalTokensUsed: string;
  tokenLimit: string | null;
  tokensOver: boolean;
  requestsUsed: string;
  finalRequestsUsed: string;
  requestLimit: string | null;
  requestsOver: boolean;
  tokenLastReset: Date;
  requestLastReset: Date;
}

/**
 * Per request: admitted (reserved); duplicate (this key — same virtual key, or same value hash — already holds a reservation with this id for the same
 * provider and model: the retry repeats the allow, no new hold); conflict (the id is reserved by another key or
 * for another provider/model, or already recorded); or not admitted.
 */
export type CheckStatus = "admitted" | "duplicate" | "conflict" | "denied";

export interface BatchOutcome {
  /** No change of the caller's configuration scopes since its snapshots, and every row it was given exists. */
  fresh: boolean;
  budgets: BudgetState[];
  rateLimits: RateLimitState[];
  statuses: CheckStatus[];
}

export interface CheckOutcome extends Omit<BatchOutcome, "statuses"> {
  status: CheckStatus;
  /** Amounts admitted in this batch up to and including this request: its usage is `used` + these (USD, tokens, requests). */
  heldThrough: { cost: number; tokens: number; requests: number };
}

/** What every check of one batch shares. */
export interface ChainParams {
  freshness: Freshness;
  budgets: BudgetRef[];
  rateLimits: RateLimitRef[];
  /** False: decide only, write nothing. */
  reserve: boolean;
  virtualKeyId: string | null;
  /** SHA-256 of the presented key value (null: no key): the request's identity is (key, request id). */
  keyHash: string | null;
  provider: string;
  model: string;
  now: Date;
  expiresAt: Date;
}

export interface CheckRequest {
  chain: ChainParams;
  requestId: string;
  /** USD held on every budget. */
  cost: string;
  /** Tokens held on every token window (one request is always held on every request window). */
  tokens: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Window parameters for a (duration, aligned) pair: expiry threshold and the last_reset a reset stores. */
export function windowParams(duration: string | null, calendarAligned: boolean, now: Date): [string | null, string] {
  if (!duration) return [null, now.toISOString()];
  const w = { duration, calendarAligned };
  return [iso(expiryThreshold(w, now)), resetStart({ ...w, lastReset: now }, now).toISOString()];
}

/** Parameters locating each budget and rate-limit row and deciding its window expiry ($n … $n+7). */
export function chainArrays(budgets: BudgetRef[], rateLimits: RateLimitRef[], now: Date): unknown[] {
  const b = budgets.map((x) => windowParams(x.resetDuration, x.calendarAligned, now));
  const r = rateLimits.map((x) => [windowParams(x.tokenResetDuration, x.calendarAligned, now), windowParams(x.requestResetDuration, x.calendarAligned, now)] as const);
  return [
    budgets.map((x) => x.id), b.map((x) => x[0]), b.map((x) => x[1]),
    rateLimits.map((x) => x.id), r.map((x) => x[0][0]), r.map((x) => x[0][1]), r.map((x) => x[1][0]), r.map((x) => x[1][1]),
  ];
}

/** Batch key: requests with equal keys have identical chain parameters. */
export function chainKey(c: ChainParams): string {
  return [...c.freshness.scopes, ...c.freshness.snapshots, c.reserve ? "r" : "d", c.virtualKeyId ?? "-", c.keyHash ?? "-", c.provider, c.model, ...c.budgets.map((b) => b.id), "|", ...c.rateLimits.map((r) => r.id)].join("\u0000");
}

type Row = Record<string, string | boolean | string[] | null>;
const STATUS = { a: "admitted", d: "duplicate", c: "conflict", x: "denied" } as const;

/** Runs the check statement for one batch (all requests share `chain`). */
export async function runCheckBatch(chain: ChainParams, requests: Omit<CheckRequest, "chain">[]): Promise<BatchOutcome> {
  const rows = await rawSql.query<Row>(
    CHECK_SQL,
    [
      chain.freshness.scopes, ...chainArrays(chain.budgets, chain.rateLimits, chain.now), chain.reserve, chain.virtualKeyId, chain.provider, chain.model,
      chain.expiresAt.toISOString(), requests.map((r) => r.requestId), requests.map((r) => r.cost), requests.map((r) => r.tokens),
      chain.keyHash, chain.freshness.snapshots,
    ],
    "gov_check_v4",
  );
  const head = rows[0]!;
  const byId = new Map(rows.filter((r) => r.id !== null).map((r) => [`${r.kind}:${r.id}`, r]));
  const text = (v: unknown) => v as string;
  const date = (v: unknown) => new Date(Number(v));
  // In chain order; a row the statement did not find is left out (then `fresh` is false).
  const budgets: BudgetState[] = chain.budgets.flatMap((ref) => {
    const r = byId.get(`b:${ref.id}`);
    return r ? [{ ref, used: text(r.used), finalUsed: text(r.fused), limit: text(r.lim), over: r.over === true, lastReset: date(r.epoch) }] : [];
  });
  const rateLimits: RateLimitState[] = chain.rateLimits.flatMap((ref) => {
    const r = byId.get(`r:${ref.id}`);
    return r
      ? [{
          ref,
          tokensUsed: text(r.tused), finalTokensUsed: text(r.ftused), tokenLimit: r.tlim as string | null, tokensOver: r.tover === true,
          requestsUsed: text(r.rused), finalRequestsUsed: text(r.frused), requestLimit: r.rlim as string | null, requestsOver: r.rover === true,
          tokenLastReset: date(r.tepoch), requestLastReset: date(r.repoch),
        }]
      : [];
  });
  const statuses = (head.statuses as string[]).map((s) => STATUS[s as keyof typeof STATUS]);
  return { fresh: head.fresh === true, budgets, rateLimits, statuses };
}

const checks = new Coalescer<CheckRequest, CheckOutcome>(
  async (_key, batch) => {
    const outcome = await runCheckBatch(batch[0]!.chain, batch);
    const { statuses, ...shared } = outcome;
    const held = { cost: 0, tokens: 0, requests: 0 };
    return batch.map((r, i) => {
      if (statuses[i] === "admitted") {
        held.cost += Number(r.cost);
        held.tokens += Number(r.tokens);
        held.requests += 1;
      }
      return { ...shared, status: statuses[i]!, heldThrough: { ...held } };
    });
  },
  (r) => r.requestId,
);

/** Decides (and with `chain.reserve`, reserves) one check; concurrent checks of the same chain share a statement. */
export function runCheck(request: CheckRequest): Promise<CheckOutcome> {
  return checks.submit(chainKey(request.chain), request);
}
