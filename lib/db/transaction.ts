/**
 * Write transactions: every change to PTERI's state, and the audit entry that records it,
 * commit in one of these. Each one's first statement takes the database-wide write lock (the
 * audit head row), so entries get one total order across Console instances.
 *
 * Two ways to open one, with the same lock-first rule and the same guarantees:
 *
 *  - writeTransaction: a Prisma interactive transaction (WriteTx): Prisma's models and raw
 *    SQL. What domain code uses.
 *  - sqlWriteTransaction: raw SQL only (SqlWriteTx), sent straight to the Prisma client's own
 *    driver adapter connection: the same connection and transaction queue as the client (so
 *    the two kinds serialize with each other as Prisma's own transactions do), the same value
 *    conversions, without the client's per-query machinery, which costs several times the
 *    statement itself (a five-statement transaction: about 1.4 ms against 0.3 ms here). For
 *    the one write that runs for every signed request (lib/auth/request-commit.ts).
 *
 * Raw SQL takes Prisma.sql fragments (parameters are always bound, never spliced), written
 * once for SQLite and PostgreSQL: double-quoted identifiers, no dialect-only syntax.
 */
import type { SqlDriverAdapter, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import { EMPTY_TREE_STATE, serializeTreeState } from "../audit/merkle-compact";
import { GENESIS_PREV_HASH } from "../audit/entry";
import { connectedDriverAdapter, type Db, type Tx } from "./client";
import { Prisma } from "./generated/client";

declare const writeLock: unique symbol;
/**
 * A transaction that holds the database-wide write lock (the audit head row). Domain
 * functions that change state take a WriteTx, so the compiler sees to it that every change
 * and its audit entry commit together, in one total order across Console instances.
 */
export type WriteTx = Tx & { readonly [writeLock]: true };

/** Raw SQL inside a write transaction (holding the write lock), however it was opened. */
export interface SqlWriteTx {
  /** Rows of a statement that returns rows (SELECT, or a write with RETURNING). */
  query<T>(sql: Prisma.Sql): Promise<T[]>;
  /** Rows changed by a statement. */
  execute(sql: Prisma.Sql): Promise<number>;
  readonly [writeLock]: true;
}

const MAX_WAIT_MS = 20_000;

/**
 * Runs `work` in a transaction whose first statement takes the write lock. Taking it first
 * matters on SQLite: a transaction that reads and only later writes can be refused with
 * SQLITE_BUSY by another process's commit; one that writes first just waits its turn.
 */
export async function writeTransaction<T>(db: Db, work: (tx: WriteTx) => Promise<T>): Promise<T> {
  return db.$transaction(
    async (tx) => {
      const writeTx = tx as unknown as WriteTx;
      lockedHeads.set(sqlOf(writeTx), await lockAuditHead(sqlOf(writeTx)));
      return work(writeTx);
    },
    { maxWait: MAX_WAIT_MS, timeout: 30_000 },
  );
}

/**
 * The same as writeTransaction, raw SQL only, on the Prisma client's driver adapter directly
 * (see the top of this file). Commits when `work` resolves, rolls back when it throws (and
 * rethrows). Waits at most 20 s for the client's transaction queue, like writeTransaction.
 * `work` must only run statements, never wait for anything else: the client's other
 * transactions queue behind this one until it ends.
 */
export async function sqlWriteTransaction<T>(db: Db, work: (tx: SqlWriteTx) => Promise<T>): Promise<T> {
  const adapter = await connectedDriverAdapter(db);
  const transaction = await startTransaction(adapter);
  const tx = driverSqlWriteTx(transaction, adapter.provider === "postgres");
  let result: T;
  try {
    lockedHeads.set(tx, await lockAuditHead(tx));
    result = await work(tx);
  } catch (error) {
    await endTransaction(transaction, "ROLLBACK").catch(() => undefined);
    throw error;
  }
  await endTransaction(transaction, "COMMIT");
  return result;
}

/** The client's transaction queue did not let a sqlWriteTransaction start in time. */
export class TransactionStartTimeout extends Error {
  override name = "TransactionStartTimeout";
}

/** Starts a driver transaction, waiting at most MAX_WAIT_MS for the connection's queue. */
async function startTransaction(adapter: SqlDriverAdapter): Promise<Transaction> {
  const starting = adapter.startTransaction();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), MAX_WAIT_MS);
    timer.unref?.();
  });
  const first = await Promise.race([starting, timedOut]).finally(() => clearTimeout(timer));
  if (first === "timed out") {
    // It may still start later: end it then, so the queue moves on.
    void starting.then((late) => endTransaction(late, "ROLLBACK")).catch(() => undefined);
    throw new TransactionStartTimeout(`Could not start a database transaction within ${MAX_WAIT_MS / 1000} s.`);
  }
  return first;
}

/**
 * Ends a driver transaction as the Prisma client does (the statement, unless the driver
 * issues it itself, then the release of the connection's transaction queue), and when the
 * COMMIT itself fails, rolls back before releasing, so the connection is left clean.
 */
async function endTransaction(transaction: Transaction, how: "COMMIT" | "ROLLBACK"): Promise<void> {
  if (transaction.options.usePhantomQuery) {
    await (how === "COMMIT" ? transaction.commit() : transaction.rollback());
    return;
  }
  try {
    await transaction.executeRaw({ sql: how, args: [], argTypes: [] });
  } catch (error) {
    if (how === "COMMIT") await transaction.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => undefined);
    await transaction.rollback();
    throw error;
  }
  await (how === "COMMIT" ? transaction.commit() : transaction.rollback());
}

// Every SqlWriteTx this module made, so that sqlOf can tell them from Prisma transactions.
const sqlWriteTxs = new WeakSet<object>();

function driverSqlWriteTx(transaction: Transaction, postgres: boolean): SqlWriteTx {
  const toQuery = (sql: Prisma.Sql): SqlQuery => ({ sql: postgres ? sql.text : sql.sql, args: sql.values, argTypes: sql.values.map(argType) });
  const tx = {
    async query<T>(sql: Prisma.Sql): Promise<T[]> {
      const result = await transaction.queryRaw(toQuery(sql));
      return result.rows.map((row) => {
        const object: Record<string, unknown> = {};
        result.columnNames.forEach((name, i) => (object[name] = columnValue(row[i], result.columnTypes[i])));
        return object as T;
      });
    },
    execute(sql: Prisma.Sql): Promise<number> {
      return transaction.executeRaw(toQuery(sql));
    },
  } as SqlWriteTx;
  sqlWriteTxs.add(tx);
  return tx;
}

/** The argument type the driver adapter expects for a bound value (as the Prisma client sends it). */
function argType(value: unknown): SqlQuery["argTypes"][number] {
  const scalarType =
    value instanceof Date
      ? "datetime"
      : typeof value === "string"
        ? "string"
        : typeof value === "bigint"
          ? "bigint"
          : typeof value === "boolean"
            ? "boolean"
            : typeof value === "number"
              ? Number.isInteger(value)
                ? "int"
                : "float"
              : value instanceof Uint8Array
                ? "bytes"
                : "unknown";
  return { scalarType, arity: "scalar" };
}

/** A result value as the Prisma client's raw queries return it (dates as Date, booleans as boolean). */
function columnValue(value: unknown, type: number | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (type === ColumnTypeEnum.DateTime || type === ColumnTypeEnum.Date) return new Date(value as string);
  if (type === ColumnTypeEnum.Boolean) return value === true || value === 1 || value === "1" || value === "true";
  return value;
}

// Each Prisma interactive transaction's raw SQL view, so that one transaction has one key.
const prismaSqlViews = new WeakMap<object, SqlWriteTx>();

/** The raw-SQL view of a write transaction, whichever way it was opened. */
export function sqlOf(tx: WriteTx | SqlWriteTx): SqlWriteTx {
  if (isSqlWriteTx(tx)) return tx;
  let view = prismaSqlViews.get(tx);
  if (!view) {
    view = {
      query: <T>(sql: Prisma.Sql) => tx.$queryRaw<T[]>(sql),
      execute: (sql: Prisma.Sql) => tx.$executeRaw(sql),
    } as SqlWriteTx;
    prismaSqlViews.set(tx, view);
    sqlWriteTxs.add(view);
  }
  return view;
}

function isSqlWriteTx(tx: WriteTx | SqlWriteTx): tx is SqlWriteTx {
  return sqlWriteTxs.has(tx);
}

/** The audit head row: log size, serialized Merkle frontier, hash of the last entry. */
export interface AuditHeadRow {
  size: number;
  frontier: string;
  lastHash: string;
}

// The head each open write transaction holds, as read by the statement that took the lock.
const lockedHeads = new WeakMap<SqlWriteTx, AuditHeadRow>();

/**
 * The audit head as this transaction read it when it took the write lock, or as the last
 * append in it left it (setLockedAuditHead): under the lock nobody else can change it, so
 * the audit append (lib/audit/log.ts, its only user) needs no second read. Undefined for a
 * transaction opened some other way.
 */
export function lockedAuditHead(tx: WriteTx | SqlWriteTx): AuditHeadRow | undefined {
  return lockedHeads.get(sqlOf(tx));
}

/** Records the head an append inside `tx` just wrote (lib/audit/log.ts only). */
export function setLockedAuditHead(tx: WriteTx | SqlWriteTx, head: AuditHeadRow): void {
  lockedHeads.set(sqlOf(tx), head);
}

const EMPTY_FRONTIER = serializeTreeState(EMPTY_TREE_STATE);

/**
 * Takes the write lock and reads the head, in one statement, the same in SQLite and
 * PostgreSQL: an upsert of the head row. It creates the row for the empty log, or else
 * "updates" it to itself, which is a write, so on SQLite it takes the database's write lock,
 * and on PostgreSQL it locks the row (as SELECT … FOR UPDATE would) until commit.
 */
async function lockAuditHead(tx: SqlWriteTx): Promise<AuditHeadRow> {
  const rows = await tx.query<AuditHeadRow>(Prisma.sql`INSERT INTO "AuditHead" ("id", "size", "frontier", "lastHash")
    VALUES (1, 0, ${EMPTY_FRONTIER}, ${GENESIS_PREV_HASH})
    ON CONFLICT ("id") DO UPDATE SET "size" = "AuditHead"."size"
    RETURNING "size", "frontier", "lastHash"`);
  const head = rows[0];
  if (!head) throw new Error("The audit log head could not be locked.");
  return { size: Number(head.size), frontier: head.frontier, lastHash: head.lastHash };
}
