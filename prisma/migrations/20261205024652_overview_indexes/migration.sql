-- DropIndex
DROP INDEX "Intent_createdAt_idx";

-- CreateIndex
CREATE INDEX "Approval_createdAt_idx" ON "Approval"("createdAt");

-- CreateIndex
CREATE INDEX "Intent_createdAt_status_idx" ON "Intent"("createdAt", "status");
