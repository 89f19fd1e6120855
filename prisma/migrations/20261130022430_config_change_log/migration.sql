-- Hand-written first: the single global version goes (every write emptied every instance's cache).
DROP TRIGGER "VirtualKey_config_version" ON "VirtualKey";
DROP TRIGGER "Team_config_version" ON "Team";
DROP TRIGGER "Customer_config_version" ON "Customer";
DROP TRIGGER "ProviderConfig_config_version" ON "ProviderConfig";
DROP TRIGGER "ProviderConfigKey_config_version" ON "ProviderConfigKey";
DROP TRIGGER "ProviderKey_config_version" ON "ProviderKey";
DROP TRIGGER "ModelConfig_config_version" ON "ModelConfig";
DROP TRIGGER "Budget_config_version" ON "Budget";
DROP TRIGGER "RateLimit_config_version" ON "RateLimit";
DROP TRIGGER "VirtualKey_config_version_truncate" ON "VirtualKey";
DROP TRIGGER "ProviderConfig_config_version_truncate" ON "ProviderConfig";
DROP TRIGGER "ModelConfig_config_version_truncate" ON "ModelConfig";
DROP TRIGGER "Budget_config_version_truncate" ON "Budget";
DROP TRIGGER "RateLimit_config_version_truncate" ON "RateLimit";
DROP FUNCTION "gov_bump_config_version"();

-- DropTable
DROP TABLE "ConfigVersion";

-- CreateTable
CREATE TABLE "ConfigChange" (
    "seq" BIGSERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConfigChange_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "ConfigChange_scope_seq_idx" ON "ConfigChange"("scope", "seq");

-- CreateIndex
CREATE INDEX "ConfigChange_at_idx" ON "ConfigChange"("at");

-- Hand-written (Prisma does not introspect functions or triggers, so no drift). Row-level AFTER triggers log
-- the scopes whose cached enforcement configuration a write changes, in the writer's transaction (visible
-- exactly when the change is). Counter columns (usage, last_reset, generations, limits, overrides) are read
-- live by the statements and not listed.

CREATE FUNCTION "gov_config_changed"(VARIADIC scopes text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ConfigChange" ("scope") SELECT DISTINCT s FROM unnest(scopes) AS s WHERE s IS NOT NULL;
$$;

CREATE FUNCTION "gov_virtual_key_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM "gov_config_changed"('hash:' || NEW."valueHash"); RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN PERFORM "gov_config_changed"('vk:' || OLD."id"); RETURN NULL; END IF;
  PERFORM "gov_config_changed"('vk:' || OLD."id", CASE WHEN NEW."valueHash" <> OLD."valueHash" THEN 'hash:' || NEW."valueHash" END);
  RETURN NULL;
END $$;
CREATE TRIGGER "VirtualKey_config_change" AFTER INSERT OR UPDATE OR DELETE ON "VirtualKey"
  FOR EACH ROW EXECUTE FUNCTION "gov_virtual_key_changed"();

CREATE FUNCTION "gov_team_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM "gov_config_changed"('team:' || OLD."id"); RETURN NULL; END $$;
CREATE TRIGGER "Team_config_change" AFTER UPDATE OF "customerId" OR DELETE ON "Team"
  FOR EACH ROW EXECUTE FUNCTION "gov_team_changed"();

CREATE FUNCTION "gov_customer_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM "gov_config_changed"('customer:' || OLD."id"); RETURN NULL; END $$;
CREATE TRIGGER "Customer_config_change" AFTER DELETE ON "Customer"
  FOR EACH ROW EXECUTE FUNCTION "gov_customer_changed"();

CREATE FUNCTION "gov_provider_config_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "gov_config_changed"(CASE WHEN TG_OP <> 'DELETE' THEN 'vk:' || NEW."virtualKeyId" END, CASE WHEN TG_OP <> 'INSERT' THEN 'vk:' || OLD."virtualKeyId" END);
  RETURN NULL;
END $$;
CREATE TRIGGER "ProviderConfig_config_change" AFTER INSERT OR UPDATE OR DELETE ON "ProviderConfig"
  FOR EACH ROW EXECUTE FUNCTION "gov_provider_config_changed"();

CREATE FUNCTION "gov_provider_config_key_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "gov_config_changed"(VARIADIC ARRAY(
    SELECT 'vk:' || pc."virtualKeyId" FROM "ProviderConfig" pc
    WHERE pc."id" IN (CASE WHEN TG_OP <> 'DELETE' THEN NEW."providerConfigId" END, CASE WHEN TG_OP <> 'INSERT' THEN OLD."providerConfigId" END)));
  RETURN NULL;
END $$;
CREATE TRIGGER "ProviderConfigKey_config_change" AFTER INSERT OR UPDATE OR DELETE ON "ProviderConfigKey"
  FOR EACH ROW EXECUTE FUNCTION "gov_provider_config_key_changed"();

-- A provider key is in its provider's route (all enabled keys) and in every provider config listing it.
CREATE FUNCTION "gov_provider_key_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  PERFORM "gov_config_changed"(VARIADIC ARRAY(
    SELECT 'provider:' || r."provider"
    UNION ALL SELECT 'vk:' || pc."virtualKeyId" FROM "ProviderConfigKey" k JOIN "ProviderConfig" pc ON pc."id" = k."providerConfigId" WHERE k."providerKeyId" = r."id"));
  RETURN NULL;
END $$;
CREATE TRIGGER "ProviderKey_config_change" AFTER INSERT OR UPDATE OR DELETE ON "ProviderKey"
  FOR EACH ROW EXECUTE FUNCTION "gov_provider_key_changed"();

CREATE FUNCTION "gov_model_config_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "gov_config_changed"(CASE WHEN TG_OP <> 'DELETE' THEN 'model:' || NEW."modelName" END, CASE WHEN TG_OP <> 'INSERT' THEN 'model:' || OLD."modelName" END);
  RETURN NULL;
END $$;
CREATE TRIGGER "ModelConfig_config_change" AFTER INSERT OR UPDATE OF "modelName", "provider" OR DELETE ON "ModelConfig"
  FOR EACH ROW EXECUTE FUNCTION "gov_model_config_changed"();

-- A budget or rate limit changes its owner's scope (looked up through a provider config or model config; a
-- row deleted by its owner's cascade finds no owner: that owner's own delete logged the scope).
CREATE FUNCTION "gov_limit_scope"("vk" uuid, "pc" integer, "team" uuid, "customer" uuid, "mc" uuid, "provider" text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT COALESCE('vk:' || "vk", 'vk:' || (SELECT "virtualKeyId" FROM "ProviderConfig" WHERE "id" = "pc"), 'team:' || "team",
    'customer:' || "customer", 'model:' || (SELECT "modelName" FROM "ModelConfig" WHERE "id" = "mc"), 'provider:' || "provider");
$$;

CREATE FUNCTION "gov_limit_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "gov_config_changed"(
    CASE WHEN TG_OP <> 'DELETE' THEN "gov_limit_scope"(NEW."virtualKeyId", NEW."providerConfigId", NEW."teamId", NEW."customerId", NEW."modelConfigId", NEW."providerName") END,
    CASE WHEN TG_OP <> 'INSERT' THEN "gov_limit_scope"(OLD."virtualKeyId", OLD."providerConfigId", OLD."teamId", OLD."customerId", OLD."modelConfigId", OLD."providerName") END);
  RETURN NULL;
END $$;
CREATE TRIGGER "Budget_config_change" AFTER INSERT OR DELETE OR UPDATE OF
  "virtualKeyId", "providerConfigId", "teamId", "customerId", "modelConfigId", "providerName", "resetDuration", "calendarAligned"
  ON "Budget" FOR EACH ROW EXECUTE FUNCTION "gov_limit_changed"();
CREATE TRIGGER "RateLimit_config_change" AFTER INSERT OR DELETE OR UPDATE OF
  "virtualKeyId", "providerConfigId", "teamId", "customerId", "modelConfigId", "providerName",
  "tokenResetDuration", "requestResetDuration", "calendarAligned"
  ON "RateLimit" FOR EACH ROW EXECUTE FUNCTION "gov_limit_changed"();

CREATE FUNCTION "gov_config_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM "gov_config_changed"('*'); RETURN NULL; END $$;
CREATE TRIGGER "VirtualKey_config_truncate" AFTER TRUNCATE ON "VirtualKey" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "Team_config_truncate" AFTER TRUNCATE ON "Team" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "Customer_config_truncate" AFTER TRUNCATE ON "Customer" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "ProviderConfig_config_truncate" AFTER TRUNCATE ON "ProviderConfig" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "ProviderConfigKey_config_truncate" AFTER TRUNCATE ON "ProviderConfigKey" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "ProviderKey_config_truncate" AFTER TRUNCATE ON "ProviderKey" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "ModelConfig_config_truncate" AFTER TRUNCATE ON "ModelConfig" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "Budget_config_truncate" AFTER TRUNCATE ON "Budget" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
CREATE TRIGGER "RateLimit_config_truncate" AFTER TRUNCATE ON "RateLimit" FOR EACH STATEMENT EXECUTE FUNCTION "gov_config_truncated"();
