/**
 * Expiry. A pending intent whose approval deadline passed, and an allowed or approved intent
 * whose execution validity ended, becomes `expired`, with an `intent.expired` audit entry in
 * the same transaction. It happens lazily whenever an intent is read (GET, resubmission) and
 * in bulk with expireIntents, which the Console runs on a schedule. Both use the same
 * conditional update (status and deadline unchanged), so an intent expires once, whichever
 * comes first, on any number of instances.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction, type WriteTx } from "../db/transaction";
import { INTENT_EVENTS } from "./events";
import { notifyIntentEvent } from "../webhooks/notify";
import { EXPIRING_STATUSES, intentFromRow, isPastExpiry, type IntentRecord } from "./model";

/** The most intents one expireIntents call expires; it says when there are more. */
export const EXPIRE_BATCH = 500;

/** Inside a write transaction: expires the intent when its time is up; returns it as it now is. */
export async function expireIfDue(tx: WriteTx, intent: IntentRecord, now: Date): Promise<IntentRecord> {
  if (!isPastExpiry(intent, now)) return intent;
  const { count } = await tx.intent.updateMany({ where: { id: intent.id, status: intent.status, expiresAt: intent.expiresAt }, data: { status: "expired" } });
  if (count !== 1) {
    // Changed meanwhile (another instance expired or decided it): read what it is now.
    const row = await tx.intent.findUnique({ where: { id: intent.id } });
    return row ? intentFromRow(row) : intent;
  }
  const pending = intent.status === "pending";
  const entry = await recordAuditEvent(tx, {
    type: INTENT_EVENTS.expired,
    actor: { type: "system", id: "pteri" },
    subjects: { machine: intent.machineId, intent: intent.id },
    summary: pending
      ? `Intent ${intent.action} on ${clip(intent.resource, 200)} expired: it was not approved by ${intent.expiresAt.toISOString()}.`
      : `Intent ${intent.action} on ${clip(intent.resource, 200)} expired: it was ${intent.status} but not executed by ${intent.expiresAt.toISOString()}.`,
    evidence: { intentId: intent.id, machineId: intent.machineId, hash: intent.hash, previousStatus: intent.status, expiresAt: intent.expiresAt.toISOString() },
    time: now,
  });
  const expired: IntentRecord = { ...intent, status: "expired" };
  // Receivers waiting on an approval hear that it is over; an unused execution window is not news to them.
  if (pending) await notifyIntentEvent(tx, { type: "intent.expired", intent: expired, auditSeq: entry.seq }, now);
  return expired;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Outside a transaction: the intent as it is at `now`, expiring it first (in its own write transaction) when due. */
export async function withLazyExpiry(db: Db, intent: IntentRecord, now: Date): Promise<IntentRecord> {
  if (!isPastExpiry(intent, now)) return intent;
  return writeTransaction(db, async (tx) => {
    const row = await tx.intent.findUnique({ where: { id: intent.id } });
    return row ? expireIfDue(tx, intentFromRow(row), now) : intent;
  });
}

/**
 * Expires every intent whose time is up at `now`, oldest deadline first, at most `limit` in
 * one write transaction; each gets its `intent.expired` entry in that transaction. Returns how
 * many expired and whether more are due (call again).
 */
export async function expireIntents(db: Db, now = new Date(), limit = EXPIRE_BATCH): Promise<{ expired: number; more: boolean }> {
  return writeTransaction(db, async (tx) => {
    const rows = await tx.intent.findMany({
      where: { status: { in: [...EXPIRING_STATUSES] }, expiresAt: { lte: now } },
      orderBy: { expiresAt: "asc" },
      take: limit + 1,
    });
    let expired = 0;
    for (const row of rows.slice(0, limit)) {
      const after = await expireIfDue(tx, intentFromRow(row), now);
      if (after.status === "expired") expired++;
    }
    return { expired, more: rows.length > limit };
  });
}
