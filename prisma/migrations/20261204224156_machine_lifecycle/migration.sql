-- CreateTable
CREATE TABLE "RetiredKey" (
    "keyId" TEXT NOT NULL PRIMARY KEY,
    "machineId" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "retiredAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    CONSTRAINT "RetiredKey_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnrollmentTicket" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "tokenPrefix" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '[]',
    "owner" TEXT NOT NULL DEFAULT '',
    "environment" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT NOT NULL DEFAULT '[]',
    "requireConfirmation" BOOLEAN NOT NULL DEFAULT true,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "machineId" TEXT,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdByType" TEXT NOT NULL,
    "createdById" TEXT NOT NULL
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
    "enrolledByType" TEXT NOT NULL DEFAULT 'host',
    "enrolledById" TEXT NOT NULL DEFAULT '',
    "ticketId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" DATETIME,
    "lastSeenAt" DATETIME
);
INSERT INTO "new_Machine" ("createdAt", "description", "id", "keyId", "lastSeenAt", "name", "publicJwk", "status", "statusReason", "tags") SELECT "createdAt", "description", "id", "keyId", "lastSeenAt", "name", "publicJwk", "status", "statusReason", "tags" FROM "Machine";
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
CREATE INDEX "RetiredKey_machineId_idx" ON "RetiredKey"("machineId");

-- CreateIndex
CREATE UNIQUE INDEX "EnrollmentTicket_tokenHash_key" ON "EnrollmentTicket"("tokenHash");

-- CreateIndex
CREATE INDEX "EnrollmentTicket_usedAt_revokedAt_expiresAt_idx" ON "EnrollmentTicket"("usedAt", "revokedAt", "expiresAt");

-- Machines are never deleted: a revoked machine stays visible for the audit trail, and its
-- key ids keep naming it. PTERI has no delete operation; the database refuses one too.
CREATE TRIGGER "Machine_no_delete" BEFORE DELETE ON "Machine"
BEGIN
  SELECT RAISE(ABORT, 'machines are never deleted; revoke instead');
END;
