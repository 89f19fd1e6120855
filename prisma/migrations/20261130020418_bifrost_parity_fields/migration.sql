-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "email" VARCHAR(320);

-- AlterTable
ALTER TABLE "ProviderConfig" ADD COLUMN     "blacklistedModels" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "VirtualKey" ADD COLUMN     "disableContentLogging" BOOLEAN;

-- CreateIndex
CREATE INDEX "Customer_email_idx" ON "Customer"("email");
