/**
 * Failed authentications are counted, not logged one by one: one AuthFailureCount row per
 * (minute window, code, key id of an enrolled machine or ""), and once a window has closed,
 * one `auth.failures` audit entry per row. A flood of bad requests therefore adds at most
 * (codes x (enrolled keys hit + 1)) entries per minute to the log, and nothing is dropped:
 * the rows are turned into entries and deleted in the same transaction.
 *
 * Key ids that name no enrolled machine are pooled under "" on purpose: they are chosen by
 * the caller, and counting them separately would let anyone grow the table at will.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { fingerprint, isKeyId } from "../protocol/keys";
import type { AuthProblemCode } from "./problems";

export const FAILURE_WINDOW_MS = 60_000;

export function failureWindowStart(nowMs: number): Date {
  return new Date(Math.floor(nowMs / FAILURE_WINDOW_MS) * FAILURE_WINDOW_MS);
}

export interface AuthFailureEvent {
  code: AuthProblemCode;
  /** The key id when it names an enrolled machine, otherwise "". */
  keyId: string;
  at: Date;
}

export async function recordAuthFailure(db: Db, event: AuthFailureEvent): Promise<void> {
  const windowStart = failureWindowStart(event.at.getTime());
  const id = { windowStart, code: event.code, keyId: event.keyId };
  await writeTransaction(db, async (tx) => {
    await tx.authFailureCount.upsert({
      where: { windowStart_code_keyId: id },
      create: { ...id, count: 1, firstSeenAt: event.at, lastSeenAt: event.at },
      update: { count: { increment: 1 }, lastSeenAt: event.at },
    });
  });
}

function summary(count: number, code: string, keyId: string, windowStart: Date): string {
  const who = keyId && isKeyId(keyId) ? `key ${fingerprint(keyId)}` : "keys not enrolled or not named";
  const times = count === 1 ? "1 failed request authentication" : `${count} failed request authentications`;
  return `${times} (${code}) for ${who} in the minute from ${windowStart.toISOString()}.`;
}

/**
 * Writes one `auth.failures` entry per counted group of every closed window (before the
 * window containing `now`) and deletes those counts, atomically. Called lazily by request
 * authentication and callable by a scheduler. Returns the number of entries written.
 */
export async function flushAuthFailures(db: Db, now: Date): Promise<number> {
  const current = failureWindowStart(now.getTime());
  // Read first without the write lock: almost always there is nothing to flush.
  const any = await db.authFailureCount.findFirst({ where: { windowStart: { lt: current } }, select: { code: true } });
  if (!any) return 0;
  return writeTransaction(db, async (tx) => {
    const rows = await tx.authFailureCount.findMany({
      where: { windowStart: { lt: current } },
      orderBy: [{ windowStart: "asc" }, { code: "asc" }, { keyId: "asc" }],
    });
    const keyIds = [...new Set(rows.map((r) => r.keyId).filter((k) => k !== ""))];
    const machines = await tx.machine.findMany({ where: { keyId: { in: keyIds } }, select: { id: true, keyId: true } });
    const machineByKey = new Map(machines.map((m) => [m.keyId, m.id]));
    for (const row of rows) {
      const machineId = machineByKey.get(row.keyId);
      await recordAuditEvent(tx, {
        type: "auth.failures",
        actor: { type: "system", id: "pteri" },
        subjects: machineId ? { machine: machineId } : {},
        summary: summary(row.count, row.code, row.keyId, row.windowStart),
        evidence: {
          windowStart: row.windowStart.toISOString(),
          windowEnd: new Date(row.windowStart.getTime() + FAILURE_WINDOW_MS).toISOString(),
          code: row.code,
          keyId: row.keyId,
          count: row.count,
          firstSeenAt: row.firstSeenAt.toISOString(),
          lastSeenAt: row.lastSeenAt.toISOString(),
        },
      });
    }
    await tx.authFailureCount.deleteMany({ where: { windowStart: { lt: current } } });
    return rows.length;
  });
}
