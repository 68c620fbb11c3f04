/**
 * Single use of (keyid, nonce), enforced by the database so that it holds across every
 * Console instance sharing it. A row lives until the signature that used the nonce could no
 * longer be accepted anyway (its `expires` or maximum age, plus clock skew); after that the
 * time-window check refuses any replay by itself, so the row may be purged.
 */
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { sqlOf, type SqlWriteTx, type WriteTx } from "../db/transaction";

/**
 * Claims the pair inside the caller's write transaction; false means it is already used.
 * Request authentication claims most pairs in bulk (lib/auth/request-commit.ts) and uses this
 * for the pairs the bulk insert did not get.
 * One statement, atomic on its own in SQLite and PostgreSQL alike: the primary key
 * (keyId, nonce) decides, so two instances claiming the same pair at once cannot both win.
 * A row that expired but was not purged yet is taken over (the conditional DO UPDATE), so the
 * answer never depends on when the purge last ran.
 */
export async function claimNonce(tx: WriteTx | SqlWriteTx, keyId: string, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
  const changed = await sqlOf(tx).execute(Prisma.sql`INSERT INTO "NonceUse" ("keyId", "nonce", "expiresAt") VALUES (${keyId}, ${nonce}, ${expiresAt})
    ON CONFLICT ("keyId", "nonce") DO UPDATE SET "expiresAt" = excluded."expiresAt" WHERE "NonceUse"."expiresAt" < ${now}`);
  return changed === 1;
}

/**
 * Deletes rows whose signatures can no longer be accepted. Housekeeping of the replay cache,
 * not a change to anything the audit log describes: each row's creation is evidenced by its
 * `machine.request` entry, and its lifetime by that entry's `expires`. Returns rows deleted.
 */
export async function purgeExpiredNonces(tx: WriteTx, now: Date): Promise<number> {
  const { count } = await tx.nonceUse.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}

/** Cheap read so the purge takes the write lock only when there is something to delete. */
export async function hasExpiredNonces(db: Db, now: Date): Promise<boolean> {
  return (await db.nonceUse.findFirst({ where: { expiresAt: { lt: now } }, select: { keyId: true } })) !== null;
}
