-- CreateTable
CREATE TABLE "ModelPrice" (
    "provider" VARCHAR(50) NOT NULL,
    "model" VARCHAR(255) NOT NULL,
    "inputCostPerToken" DECIMAL(30,18) NOT NULL,
    "outputCostPerToken" DECIMAL(30,18) NOT NULL,
    "cachedInputCostPerToken" DECIMAL(30,18),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ModelPrice_pkey" PRIMARY KEY ("provider","model")
);

-- CreateTable
CREATE TABLE "PricingOverride" (
    "id" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "scopeKind" VARCHAR(32) NOT NULL,
    "virtualKeyId" VARCHAR(64),
    "providerId" VARCHAR(50),
    "providerKeyId" VARCHAR(64),
    "matchType" VARCHAR(16) NOT NULL,
    "pattern" VARCHAR(255) NOT NULL,
    "requestTypes" TEXT[],
    "patch" JSONB NOT NULL,
    "configHash" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PricingOverride_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PricingOverride_scopeKind_idx" ON "PricingOverride"("scopeKind");

-- CreateIndex
CREATE INDEX "PricingOverride_createdAt_id_idx" ON "PricingOverride"("createdAt", "id");
