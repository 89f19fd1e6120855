-- AlterTable
ALTER TABLE "Budget" ADD COLUMN     "overrideAmount" DECIMAL(20,10),
ADD COLUMN     "overrideCyclesRemaining" INTEGER,
ADD COLUMN     "overrideMode" VARCHAR(16);

-- Hand-written: an override is consistent (mode set iff amount set; cycles only for mode "cycles").
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_override_consistent" CHECK (
  ("overrideAmount" IS NULL AND "overrideMode" IS NULL AND "overrideCyclesRemaining" IS NULL)
  OR ("overrideAmount" > 0 AND "overrideMode" = 'forever' AND "overrideCyclesRemaining" IS NULL)
  OR ("overrideAmount" > 0 AND "overrideMode" = 'cycles' AND "overrideCyclesRemaining" > 0));
