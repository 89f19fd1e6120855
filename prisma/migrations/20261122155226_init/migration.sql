-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Customer" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "calendarAligned" BOOLEAN NOT NULL DEFAULT false,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Team" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "customerId" UUID,
    "calendarAligned" BOOLEAN NOT NULL DEFAULT false,
    "profile" JSONB,
    "config" JSONB,
    "claims" JSONB,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VirtualKey" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "valueHash" CHAR(64) NOT NULL,
    "valuePrefix" VARCHAR(16) NOT NULL,
    "valueSuffix" VARCHAR(8) NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "teamId" UUID,
    "customerId" UUID,
    "calendarAligned" BOOLEAN NOT NULL DEFAULT false,
    "allowAllProviders" BOOLEAN NOT NULL DEFAULT false,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "VirtualKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderConfig" (
    "id" SERIAL NOT NULL,
    "virtualKeyId" UUID NOT NULL,
    "provider" VARCHAR(50) NOT NULL,
    "weight" DOUBLE PRECISION,
    "allowedModels" TEXT[],
    "allowAllKeys" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderConfigKey" (
    "providerConfigId" INTEGER NOT NULL,
    "providerKeyId" INTEGER NOT NULL,

    CONSTRAINT "ProviderConfigKey_pkey" PRIMARY KEY ("providerConfigId","providerKeyId")
);

-- CreateTable
CREATE TABLE "Provider" (
    "name" VARCHAR(50) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Provider_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ProviderKey" (
    "id" SERIAL NOT NULL,
    "keyId" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "provider" VARCHAR(50) NOT NULL,
    "value" TEXT NOT NULL,
    "models" TEXT[],
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "useForBatchApi" BOOLEAN NOT NULL DEFAULT false,
    "settings" JSONB,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpClient" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "connectionType" VARCHAR(16) NOT NULL,
    "connectionString" TEXT,
    "stdioConfig" JSONB,
    "headers" JSONB,
    "toolsToExecute" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "McpClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpConfig" (
    "id" SERIAL NOT NULL,
    "virtualKeyId" UUID NOT NULL,
    "mcpClientId" INTEGER NOT NULL,
    "toolsToExecute" TEXT[],

    CONSTRAINT "McpConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelConfig" (
    "id" UUID NOT NULL,
    "modelName" VARCHAR(255) NOT NULL,
    "provider" VARCHAR(50),
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ModelConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Budget" (
    "id" UUID NOT NULL,
    "maxLimit" DECIMAL(20,10) NOT NULL,
    "resetDuration" VARCHAR(32) NOT NULL,
    "calendarAligned" BOOLEAN NOT NULL DEFAULT false,
    "currentUsage" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "lastReset" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "virtualKeyId" UUID,
    "providerConfigId" INTEGER,
    "teamId" UUID,
    "customerId" UUID,
    "modelConfigId" UUID,
    "providerName" VARCHAR(50),

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "id" UUID NOT NULL,
    "tokenMaxLimit" BIGINT,
    "tokenResetDuration" VARCHAR(32),
    "tokenCurrentUsage" BIGINT NOT NULL DEFAULT 0,
    "tokenLastReset" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestMaxLimit" BIGINT,
    "requestResetDuration" VARCHAR(32),
    "requestCurrentUsage" BIGINT NOT NULL DEFAULT 0,
    "requestLastReset" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "calendarAligned" BOOLEAN NOT NULL DEFAULT false,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "virtualKeyId" UUID,
    "providerConfigId" INTEGER,
    "teamId" UUID,
    "customerId" UUID,
    "modelConfigId" UUID,
    "providerName" VARCHAR(50),

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Customer_name_key" ON "Customer"("name");

-- CreateIndex
CREATE INDEX "Customer_createdAt_id_idx" ON "Customer"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");

-- CreateIndex
CREATE INDEX "Team_customerId_idx" ON "Team"("customerId");

-- CreateIndex
CREATE INDEX "Team_createdAt_id_idx" ON "Team"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualKey_name_key" ON "VirtualKey"("name");

-- CreateIndex
CREATE UNIQUE INDEX "VirtualKey_valueHash_key" ON "VirtualKey"("valueHash");

-- CreateIndex
CREATE INDEX "VirtualKey_teamId_idx" ON "VirtualKey"("teamId");

-- CreateIndex
CREATE INDEX "VirtualKey_customerId_idx" ON "VirtualKey"("customerId");

-- CreateIndex
CREATE INDEX "VirtualKey_isActive_idx" ON "VirtualKey"("isActive");

-- CreateIndex
CREATE INDEX "VirtualKey_createdAt_id_idx" ON "VirtualKey"("createdAt", "id");

-- CreateIndex
CREATE INDEX "ProviderConfig_virtualKeyId_idx" ON "ProviderConfig"("virtualKeyId");

-- CreateIndex
CREATE INDEX "ProviderConfig_provider_idx" ON "ProviderConfig"("provider");

-- CreateIndex
CREATE INDEX "ProviderConfigKey_providerKeyId_idx" ON "ProviderConfigKey"("providerKeyId");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderKey_keyId_key" ON "ProviderKey"("keyId");

-- CreateIndex
CREATE UNIQUE INDEX "ProviderKey_provider_name_key" ON "ProviderKey"("provider", "name");

-- CreateIndex
CREATE UNIQUE INDEX "McpClient_name_key" ON "McpClient"("name");

-- CreateIndex
CREATE INDEX "McpConfig_mcpClientId_idx" ON "McpConfig"("mcpClientId");

-- CreateIndex
CREATE UNIQUE INDEX "McpConfig_virtualKeyId_mcpClientId_key" ON "McpConfig"("virtualKeyId", "mcpClientId");

-- CreateIndex
CREATE INDEX "ModelConfig_createdAt_id_idx" ON "ModelConfig"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ModelConfig_modelName_provider_key" ON "ModelConfig"("modelName", "provider");

-- CreateIndex
CREATE INDEX "Budget_lastReset_idx" ON "Budget"("lastReset");

-- CreateIndex
CREATE INDEX "Budget_createdAt_id_idx" ON "Budget"("createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_virtualKeyId_resetDuration_key" ON "Budget"("virtualKeyId", "resetDuration");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_providerConfigId_resetDuration_key" ON "Budget"("providerConfigId", "resetDuration");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_teamId_resetDuration_key" ON "Budget"("teamId", "resetDuration");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_customerId_resetDuration_key" ON "Budget"("customerId", "resetDuration");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_modelConfigId_resetDuration_key" ON "Budget"("modelConfigId", "resetDuration");

-- CreateIndex
CREATE UNIQUE INDEX "Budget_providerName_resetDuration_key" ON "Budget"("providerName", "resetDuration");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimit_virtualKeyId_key" ON "RateLimit"("virtualKeyId");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimit_providerConfigId_key" ON "RateLimit"("providerConfigId");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimit_teamId_key" ON "RateLimit"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimit_customerId_key" ON "RateLimit"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimit_modelConfigId_key" ON "RateLimit"("modelConfigId");

-- CreateIndex
CREATE UNIQUE INDEX "RateLimit_providerName_key" ON "RateLimit"("providerName");

-- CreateIndex
CREATE INDEX "RateLimit_createdAt_id_idx" ON "RateLimit"("createdAt", "id");

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualKey" ADD CONSTRAINT "VirtualKey_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualKey" ADD CONSTRAINT "VirtualKey_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderConfig" ADD CONSTRAINT "ProviderConfig_virtualKeyId_fkey" FOREIGN KEY ("virtualKeyId") REFERENCES "VirtualKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderConfigKey" ADD CONSTRAINT "ProviderConfigKey_providerConfigId_fkey" FOREIGN KEY ("providerConfigId") REFERENCES "ProviderConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderConfigKey" ADD CONSTRAINT "ProviderConfigKey_providerKeyId_fkey" FOREIGN KEY ("providerKeyId") REFERENCES "ProviderKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderKey" ADD CONSTRAINT "ProviderKey_provider_fkey" FOREIGN KEY ("provider") REFERENCES "Provider"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpConfig" ADD CONSTRAINT "McpConfig_virtualKeyId_fkey" FOREIGN KEY ("virtualKeyId") REFERENCES "VirtualKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpConfig" ADD CONSTRAINT "McpConfig_mcpClientId_fkey" FOREIGN KEY ("mcpClientId") REFERENCES "McpClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_virtualKeyId_fkey" FOREIGN KEY ("virtualKeyId") REFERENCES "VirtualKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_providerConfigId_fkey" FOREIGN KEY ("providerConfigId") REFERENCES "ProviderConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_modelConfigId_fkey" FOREIGN KEY ("modelConfigId") REFERENCES "ModelConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_providerName_fkey" FOREIGN KEY ("providerName") REFERENCES "Provider"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_virtualKeyId_fkey" FOREIGN KEY ("virtualKeyId") REFERENCES "VirtualKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_providerConfigId_fkey" FOREIGN KEY ("providerConfigId") REFERENCES "ProviderConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_modelConfigId_fkey" FOREIGN KEY ("modelConfigId") REFERENCES "ModelConfig"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_providerName_fkey" FOREIGN KEY ("providerName") REFERENCES "Provider"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- Integrity rules Prisma cannot express (hand-written; CHECKs are not introspected, so no drift).
-- A budget / rate limit belongs to exactly one owner.
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_exactly_one_owner" CHECK (
  num_nonnulls("virtualKeyId", "providerConfigId", "teamId", "customerId", "modelConfigId", "providerName") = 1);
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_exactly_one_owner" CHECK (
  num_nonnulls("virtualKeyId", "providerConfigId", "teamId", "customerId", "modelConfigId", "providerName") = 1);
-- A virtual key belongs to a team or a customer, never both.
ALTER TABLE "VirtualKey" ADD CONSTRAINT "VirtualKey_team_xor_customer" CHECK ("teamId" IS NULL OR "customerId" IS NULL);
-- Limits are positive and usage never negative.
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_max_limit_positive" CHECK ("maxLimit" > 0);
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_usage_non_negative" CHECK ("currentUsage" >= 0);
ALTER TABLE "RateLimit" ADD CONSTRAINT "RateLimit_limits_positive" CHECK (
  ("tokenMaxLimit" IS NULL OR "tokenMaxLimit" > 0) AND ("requestMaxLimit" IS NULL OR "requestMaxLimit" > 0));
