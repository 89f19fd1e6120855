-- CreateTable
CREATE TABLE "ManagementKey" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "role" VARCHAR(32) NOT NULL,
    "customerId" UUID,
    "valueHash" CHAR(64) NOT NULL,
    "valuePrefix" VARCHAR(16) NOT NULL,
    "valueSuffix" VARCHAR(8) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ManagementKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ManagementKey_valueHash_key" ON "ManagementKey"("valueHash");

-- CreateIndex
CREATE INDEX "ManagementKey_createdAt_id_idx" ON "ManagementKey"("createdAt", "id");

-- AddForeignKey
ALTER TABLE "ManagementKey" ADD CONSTRAINT "ManagementKey_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A customer-admin key is bound to exactly one customer; other roles to none.
ALTER TABLE "ManagementKey" ADD CONSTRAINT "ManagementKey_role_check" CHECK (
  ("role" IN ('admin', 'viewer', 'gateway') AND "customerId" IS NULL) OR ("role" = 'customer-admin' AND "customerId" IS NOT NULL)
);
