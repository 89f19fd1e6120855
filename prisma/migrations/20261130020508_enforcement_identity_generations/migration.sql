-- AlterTable
ALTER TABLE "Budget" ADD COLUMN     "generation" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "RateLimit" ADD COLUMN     "requestGeneration" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "tokenGeneration" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Reservation" ADD COLUMN     "budgetGenerations" BIGINT[],
ADD COLUMN     "keyHash" VARCHAR(64),
ADD COLUMN     "requestGenerations" BIGINT[],
ADD COLUMN     "tokenGenerations" BIGINT[];

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "keyHash" VARCHAR(64);

-- Hand-written: holds in flight keep their meaning. A hold taken in the window that is current now (its epoch
-- equals the row's last_reset) belongs to generation 0, the one every row starts in; any other hold to -1
-- (a window already gone: never given back). Reservations have no key hash: only a keyless record or none
-- settles them, and they expire within the reservation TTL.
UPDATE "Reservation" r SET
  "budgetGenerations" = ARRAY(
    SELECT CASE WHEN b."id" IS NOT NULL AND u.epoch = (extract(epoch from b."lastReset") * 1000)::bigint THEN 0 ELSE -1 END
    FROM unnest(r."budgetIds", r."budgetEpochs") WITH ORDINALITY AS u(id, epoch, ord)
    LEFT JOIN "Budget" b ON b."id"::text = u.id ORDER BY u.ord),
  "tokenGenerations" = ARRAY(
    SELECT CASE WHEN l."id" IS NOT NULL AND u.te = (extract(epoch from l."tokenLastReset") * 1000)::bigint THEN 0 ELSE -1 END
    FROM unnest(r."rateLimitIds", r."tokenEpochs") WITH ORDINALITY AS u(id, te, ord)
    LEFT JOIN "RateLimit" l ON l."id"::text = u.id ORDER BY u.ord),
  "requestGenerations" = ARRAY(
    SELECT CASE WHEN l."id" IS NOT NULL AND u.re = (extract(epoch from l."requestLastReset") * 1000)::bigint THEN 0 ELSE -1 END
    FROM unnest(r."rateLimitIds", r."requestEpochs") WITH ORDINALITY AS u(id, re, ord)
    LEFT JOIN "RateLimit" l ON l."id"::text = u.id ORDER BY u.ord);

ALTER TABLE "Reservation" DROP COLUMN "budgetEpochs",
DROP COLUMN "requestEpochs",
DROP COLUMN "tokenEpochs";

-- Counters are never clamped: a negative would be an accounting bug, refused here rather than hidden.
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_usage_non_negative" CHECK ("tokenCurrentUsage" >= 0 AND "requestCurrentUsage" >= 0);
