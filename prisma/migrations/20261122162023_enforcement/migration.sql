-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ConfigVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reservation" (
    "requestId" VARCHAR(128) NOT NULL,
    "virtualKeyId" UUID,
    "provider" VARCHAR(50) NOT NULL,
    "model" VARCHAR(255) NOT NULL,
    "cost" DECIMAL(20,10) NOT NULL,
    "tokens" BIGINT NOT NULL,
    "budgetIds" TEXT[],
    "budgetEpochs" BIGINT[],
    "rateLimitIds" TEXT[],
    "tokenEpochs" BIGINT[],
    "requestEpochs" BIGINT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "UsageRecord" (
    "requestId" VARCHAR(128) NOT NULL,
    "virtualKeyId" UUID,
    "provider" VARCHAR(50) NOT NULL,
    "model" VARCHAR(255) NOT NULL,
    "tokens" BIGINT NOT NULL,
    "cost" DECIMAL(20,10) NOT NULL,
    "success" BOOLEAN NOT NULL,
    "reservedCost" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "reservedTokens" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageRecord_pkey" PRIMARY KEY ("requestId")
);

-- CreateIndex
CREATE INDEX "Reservation_expiresAt_idx" ON "Reservation"("expiresAt");

-- CreateIndex
CREATE INDEX "UsageRecord_virtualKeyId_createdAt_idx" ON "UsageRecord"("virtualKeyId", "createdAt");

-- Hand-written (Prisma does not introspect rows, CHECKs, functions or triggers, so no drift).
-- The configuration version enforcement caches against: exactly one row.
INSERT INTO "ConfigVersion" ("id", "version") VALUES (1, 0);
ALTER TABLE "ConfigVersion" ADD CONSTRAINT "ConfigVersion_single_row" CHECK ("id" = 1);
ALTER TABLE "Reservation" ADD CONSTRAINT "Reservation_amounts_non_negative" CHECK ("cost" >= 0 AND "tokens" >= 0);
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_amounts_non_negative" CHECK (
  "cost" >= 0 AND "tokens" >= 0 AND "reservedCost" >= 0 AND "reservedTokens" >= 0);

-- Bumped once per statement that changes cached configuration, in the same transaction (visible exactly
-- when the change is). Counter columns (usage, last_reset, limits, overrides) are read live and not listed.
CREATE FUNCTION "gov_bump_config_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ConfigVersion" SET "version" = "version" + 1 WHERE "id" = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "VirtualKey_config_version" AFTER UPDATE OR DELETE ON "VirtualKey"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "Team_config_version" AFTER UPDATE OF "customerId" OR DELETE ON "Team"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "Customer_config_version" AFTER DELETE ON "Customer"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "ProviderConfig_config_version" AFTER INSERT OR UPDATE OR DELETE ON "ProviderConfig"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "ProviderConfigKey_config_version" AFTER INSERT OR UPDATE OR DELETE ON "ProviderConfigKey"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "ProviderKey_config_version" AFTER INSERT OR UPDATE OR DELETE ON "ProviderKey"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "ModelConfig_config_version" AFTER INSERT OR UPDATE OF "modelName", "provider" OR DELETE ON "ModelConfig"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "Budget_config_version" AFTER INSERT OR DELETE OR UPDATE OF
  "virtualKeyId", "providerConfigId", "teamId", "customerId", "modelConfigId", "providerName", "resetDuration", "calendarAligned"
  ON "Budget" FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "RateLimit_config_version" AFTER INSERT OR DELETE OR UPDATE OF
  "virtualKeyId", "providerConfigId", "teamId", "customerId", "modelConfigId", "providerName",
  "tokenResetDuration", "requestResetDuration", "calendarAligned"
  ON "RateLimit" FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "VirtualKey_config_version_truncate" AFTER TRUNCATE ON "VirtualKey"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "ProviderConfig_config_version_truncate" AFTER TRUNCATE ON "ProviderConfig"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "ModelConfig_config_version_truncate" AFTER TRUNCATE ON "ModelConfig"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "Budget_config_version_truncate" AFTER TRUNCATE ON "Budget"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
CREATE TRIGGER "RateLimit_config_version_truncate" AFTER TRUNCATE ON "RateLimit"
  FOR EACH STATEMENT EXECUTE FUNCTION "gov_bump_config_version"();
