-- CreateTable
CREATE TABLE "Intent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "machineId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "obligation" TEXT,
    "expiresAt" DATETIME NOT NULL,
    "executionWindowSeconds" INTEGER,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME NOT NULL,
    "executedAt" DATETIME,
    "submissionSeq" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "IntentRuleMatch" (
    "intentId" TEXT NOT NULL,
    "machineId" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("intentId", "policyId", "ruleId"),
    CONSTRAINT "IntentRuleMatch_intentId_fkey" FOREIGN KEY ("intentId") REFERENCES "Intent" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Intent_machineId_createdAt_idx" ON "Intent"("machineId", "createdAt");

-- CreateIndex
CREATE INDEX "Intent_status_expiresAt_idx" ON "Intent"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Intent_createdAt_idx" ON "Intent"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Intent_machineId_hash_key" ON "Intent"("machineId", "hash");

-- CreateIndex
CREATE INDEX "IntentRuleMatch_machineId_policyId_ruleId_createdAt_idx" ON "IntentRuleMatch"("machineId", "policyId", "ruleId", "createdAt");
