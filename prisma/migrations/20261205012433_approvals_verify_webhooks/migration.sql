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

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Machine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "keyId" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "statusReason" TEXT,
    "activation" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "owner" TEXT NOT NULL DEFAULT '',
    "environment" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT NOT NULL DEFAULT '[]',
    "verifyAudiences" TEXT NOT NULL DEFAULT '[]',
    "enrolledByType" TEXT NOT NULL DEFAULT 'host',
    "enrolledById" TEXT NOT NULL DEFAULT '',
    "ticketId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" DATETIME,
    "lastSeenAt" DATETIME
);
INSERT INTO "new_Machine" ("activatedAt", "activation", "createdAt", "description", "enrolledById", "enrolledByType", "environment", "id", "keyId", "lastSeenAt", "name", "owner", "permissions", "publicJwk", "status", "statusReason", "tags", "ticketId") SELECT "activatedAt", "activation", "createdAt", "description", "enrolledById", "enrolledByType", "environment", "id", "keyId", "lastSeenAt", "name", "owner", "permissions", "publicJwk", "status", "statusReason", "tags", "ticketId" FROM "Machine";
DROP TABLE "Machine";
ALTER TABLE "new_Machine" RENAME TO "Machine";
CREATE UNIQUE INDEX "Machine_keyId_key" ON "Machine"("keyId");
CREATE INDEX "Machine_status_idx" ON "Machine"("status");
CREATE INDEX "Machine_name_idx" ON "Machine"("name");
CREATE INDEX "Machine_environment_idx" ON "Machine"("environment");
CREATE INDEX "Machine_lastSeenAt_idx" ON "Machine"("lastSeenAt");
CREATE INDEX "Machine_createdAt_idx" ON "Machine"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
