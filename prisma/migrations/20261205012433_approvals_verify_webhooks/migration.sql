-- AlterTable
ALTER TABLE "Intent" ADD COLUMN "executedBy" TEXT;
ALTER TABLE "Intent" ADD COLUMN "executionSeq" INTEGER;

-- AlterTable
ALTER TABLE "WebAuthnChallenge" ADD COLUMN "intentId" TEXT;
ALTER TABLE "WebAuthnChallenge" ADD COLUMN "statement" TEXT;

-- CreateTable
CREATE TABLE "Approval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "intentId" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "executionWindowSeconds" INTEGER,
    "statement" TEXT NOT NULL,
    "challenge" TEXT NOT NULL,
    "passkeyId" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "assertion" TEXT NOT NULL,
    "auditSeq" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Approval_intentId_fkey" FOREIGN KEY ("intentId") REFERENCES "Intent" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookEndpoint" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "events" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "createdById" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "endpointId" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastAttemptAt" DATETIME,
    "lastStatusCode" INTEGER,
    "lastError" TEXT,
    "deliveredAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "WebhookDelivery_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- AlterTable
-- Added in place, not by redefining the table: a redefinition would drop the trigger that
-- refuses to delete machines (20261204224156_machine_lifecycle).
ALTER TABLE "Machine" ADD COLUMN "verifyAudiences" TEXT NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE UNIQUE INDEX "Approval_challenge_key" ON "Approval"("challenge");

-- CreateIndex
CREATE INDEX "Approval_operatorId_createdAt_idx" ON "Approval"("operatorId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Approval_intentId_operatorId_key" ON "Approval"("intentId", "operatorId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_createdAt_idx" ON "WebhookDelivery"("endpointId", "createdAt");

-- An approval is what an operator signed, as the audit log recorded it. The application never
-- updates or deletes one; the database refuses to.
CREATE TRIGGER "Approval_no_update" BEFORE UPDATE ON "Approval"
BEGIN
    SELECT RAISE(ABORT, 'approvals are immutable');
END;

CREATE TRIGGER "Approval_no_delete" BEFORE DELETE ON "Approval"
BEGIN
    SELECT RAISE(ABORT, 'approvals are immutable');
END;
