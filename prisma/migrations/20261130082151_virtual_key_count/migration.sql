-- CreateTable
CREATE TABLE "VirtualKeyCount" (
    "id" BIGSERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "VirtualKeyCount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VirtualKeyCount_scope_n_idx" ON "VirtualKeyCount"("scope", "n");

-- Hand-written (Prisma does not introspect functions or triggers, so no drift). The REST key list's total_count
-- (src/services/virtual-keys.ts) reads these counts instead of counting the keys (issue #13: count(*) was ~4 ms
-- of database CPU at 100k keys and grew with the table).
--
-- Scopes: '*' counts every key; 'team:<id>' / 'customer:<id>' count the keys whose own teamId / customerId it is
-- (a key has at most one: VirtualKey_team_xor_customer). A customer-admin's scope is its customer's row plus its
-- teams' rows, joined through Team at read time, so moving a team between customers changes no count here.
--
-- Concurrency: a scope's count is the SUM of its rows. A writing statement appends its deltas in its own
-- transaction (exact under rollback, savepoints, and FK cascades: ON DELETE SET NULL from Team/Customer is an
-- UPDATE of VirtualKey, seen by the UPDATE trigger) and folds the scope's rows that no other transaction holds
-- into one (FOR UPDATE SKIP LOCKED: never waits, never deadlocks). A single counter row would instead be locked
-- from a key's INSERT until its transaction commits (createVirtualKey writes limits, configs and the audit event
-- after the key), queueing every concurrent key write behind it. A scope keeps about one row per concurrently
-- writing transaction, so a read sums a handful of rows.

CREATE FUNCTION "gov_virtual_key_count_add"("scopes" text[], "deltas" bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality("scopes") IS NULL OR cardinality("scopes") = 0 THEN RETURN; END IF;
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    -- Locking a row that another transaction deleted after this snapshot fails with a serialization error
    -- there: only append (the next read-committed write folds).
    INSERT INTO "VirtualKeyCount" ("scope", "n") SELECT s, d FROM unnest("scopes", "deltas") AS x(s, d);
    RETURN;
  END IF;
  WITH folded AS (
    DELETE FROM "VirtualKeyCount" c WHERE c."id" IN (
      SELECT f."id" FROM "VirtualKeyCount" f WHERE f."scope" = ANY ("scopes") FOR UPDATE SKIP LOCKED)
    RETURNING c."scope", c."n")
  INSERT INTO "VirtualKeyCount" ("scope", "n")
  SELECT y.s, sum(y.d) FROM (SELECT x.s, x.d FROM unnest("scopes", "deltas") AS x(s, d) UNION ALL SELECT "scope", "n" FROM folded) y
  GROUP BY y.s HAVING sum(y.d) <> 0;
END $$;

-- Statement-level (one delta per scope per statement: a bulk INSERT … SELECT of 100k keys writes ~one row per
-- team, not 100k updates of one row).
CREATE FUNCTION "gov_virtual_key_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s text[];
  d bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(x.scope), array_agg(x.n) INTO s, d FROM (
      SELECT v.scope, count(*) AS n FROM "new_keys" k
      CROSS JOIN LATERAL (VALUES ('*'), (COALESCE('team:' || k."teamId", 'customer:' || k."customerId"))) AS v(scope)
      WHERE v.scope IS NOT NULL GROUP BY v.scope) x;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(x.scope), array_agg(x.n) INTO s, d FROM (
      SELECT v.scope, -count(*) AS n FROM "old_keys" k
      CROSS JOIN LATERAL (VALUES ('*'), (COALESCE('team:' || k."teamId", 'customer:' || k."customerId"))) AS v(scope)
      WHERE v.scope IS NOT NULL GROUP BY v.scope) x;
  ELSE
    -- The number of keys is unchanged; only owners move.
    SELECT array_agg(x.scope), array_agg(x.n) INTO s, d FROM (
      SELECT y.scope, sum(y.n) AS n FROM (
        SELECT COALESCE('team:' || k."teamId", 'customer:' || k."customerId") AS scope, 1 AS n FROM "new_keys" k
        UNION ALL SELECT COALESCE('team:' || k."teamId", 'customer:' || k."customerId"), -1 FROM "old_keys" k) y
      WHERE y.scope IS NOT NULL GROUP BY y.scope HAVING sum(y.n) <> 0) x;
  END IF;
  PERFORM "gov_virtual_key_count_add"(s, d);
  RETURN NULL;
END $$;

CREATE TRIGGER "VirtualKey_count_insert" AFTER INSERT ON "VirtualKey" REFERENCING NEW TABLE AS "new_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_virtual_key_count_changed"();
CREATE TRIGGER "VirtualKey_count_update" AFTER UPDATE ON "VirtualKey" REFERENCING OLD TABLE AS "old_keys" NEW TABLE AS "new_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_virtual_key_count_changed"();
CREATE TRIGGER "VirtualKey_count_delete" AFTER DELETE ON "VirtualKey" REFERENCING OLD TABLE AS "old_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_virtual_key_count_changed"();

-- TRUNCATE (also TRUNCATE … CASCADE from Team or Customer) holds an exclusive lock on VirtualKey: no writer is
-- in flight, every count is zero.
CREATE FUNCTION "gov_virtual_key_count_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM "VirtualKeyCount"; RETURN NULL; END $$;
CREATE TRIGGER "VirtualKey_count_truncate" AFTER TRUNCATE ON "VirtualKey"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_virtual_key_count_truncated"();

-- The keys that exist now.
INSERT INTO "VirtualKeyCount" ("scope", "n")
SELECT v.scope, count(*) FROM "VirtualKey" k
CROSS JOIN LATERAL (VALUES ('*'), (COALESCE('team:' || k."teamId", 'customer:' || k."customerId"))) AS v(scope)
WHERE v.scope IS NOT NULL GROUP BY v.scope;
