-- Trigram indexes behind the case-insensitive substring `search` filters (issue #13).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Customer_name_trgm_idx" ON "Customer" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Team_name_trgm_idx" ON "Team" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "VirtualKey_name_trgm_idx" ON "VirtualKey" USING GIN ("name" gin_trgm_ops);
