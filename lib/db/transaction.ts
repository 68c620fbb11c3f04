import { EMPTY_TREE_STATE, serializeTreeState } from "../audit/merkle-compact";
import { GENESIS_PREV_HASH } from "../audit/entry";
import type { Db, DatabaseKind, Tx } from "./client";
import { databaseKind } from "./client";

declare const writeLock: unique symbol;
/**
 * A transaction that holds the database-wide write lock (the audit head row). Domain
 * functions that change state take a WriteTx, so the compiler sees to it that every change
 * and its audit entry commit together, in one total order across Console instances.
 */
export type WriteTx = Tx & { readonly [writeLock]: true };

/**
 * Runs `work` in a transaction whose first statement takes the write lock. Taking it first
 * matters on SQLite: a transaction that reads and only later writes can be refused with
 * SQLITE_BUSY by another process's commit; one that writes first just waits its turn.
 */
export async function writeTransaction<T>(db: Db, work: (tx: WriteTx) => Promise<T>): Promise<T> {
  const kind = databaseKind(db);
  return db.$transaction(
    async (tx) => {
      await lockAuditHead(tx, kind);
      return work(tx as unknown as WriteTx);
    },
    { maxWait: 20_000, timeout: 30_000 },
  );
}

const EMPTY_FRONTIER = serializeTreeState(EMPTY_TREE_STATE);

async function lockAuditHead(tx: Tx, kind: DatabaseKind): Promise<void> {
  // The insert is a write, so on SQLite it takes the lock even when the row exists.
  await tx.$executeRaw`INSERT INTO "AuditHead" ("id", "size", "frontier", "lastHash")
    VALUES (1, 0, ${EMPTY_FRONTIER}, ${GENESIS_PREV_HASH}) ON CONFLICT ("id") DO NOTHING`;
  if (kind === "postgresql") await tx.$queryRaw`SELECT "id" FROM "AuditHead" WHERE "id" = 1 FOR UPDATE`;
}
