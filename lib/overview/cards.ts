/**
 * The Overview's cards: what waits for approval, which machines came and went, and the latest
 * signed checkpoint. Each read is a short indexed one (Intent(status, expiresAt),
 * Machine(createdAt), AuditEntry(type, seq)), whatever the size of the tables.
 */
import type { Db } from "../db/client";
import { hexEncode } from "../protocol/encoding";
import { latestCheckpoint } from "../audit/checkpoint-store";
import { MACHINE_EVENTS } from "../machines/events";
import type { CheckpointSummary, PendingApprovalItem, RecentMachine } from "./wire";

export const CARD_LIMIT = 5;

type Reader = Pick<Db, "intent" | "machine" | "auditEntry" | "auditCheckpoint">;

/** Same rule as the approval queue: a pending intent whose deadline passed is not waiting any more. */
export async function pendingApprovals(db: Reader, now: Date): Promise<{ count: number; soonest: PendingApprovalItem[] }> {
  const where = { status: "pending", expiresAt: { gt: now }, obligation: { not: null } };
  const [count, rows] = await Promise.all([
    db.intent.count({ where }),
    db.intent.findMany({ where, orderBy: [{ expiresAt: "asc" }, { id: "asc" }], take: CARD_LIMIT, select: { id: true, action: true, resource: true, machineId: true, expiresAt: true } }),
  ]);
  const names = await machineNames(db, rows.map((r) => r.machineId));
  return {
    count,
    soonest: rows.map((r) => ({ intentId: r.id, action: r.action, resource: r.resource, machineId: r.machineId, machineName: names.get(r.machineId) ?? r.machineId, expiresAt: r.expiresAt.toISOString() })),
  };
}

export async function recentlyEnrolled(db: Reader): Promise<RecentMachine[]> {
  const rows = await db.machine.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: CARD_LIMIT, select: { id: true, name: true, status: true, createdAt: true } });
  return rows.map((m) => ({ id: m.id, name: m.name, status: m.status, at: m.createdAt.toISOString(), reason: null }));
}

/** The Machine row keeps no revocation time: the `machine.revoked` entries do. */
export async function recentlyRevoked(db: Reader): Promise<RecentMachine[]> {
  const entries = await db.auditEntry.findMany({ where: { type: MACHINE_EVENTS.revoked }, orderBy: { seq: "desc" }, take: CARD_LIMIT, select: { subjects: true, time: true } });
  const revocations = entries.flatMap((e) => {
    const machineId = machineSubject(e.subjects);
    return machineId ? [{ machineId, at: e.time }] : [];
  });
  const machines = await db.machine.findMany({ where: { id: { in: revocations.map((r) => r.machineId) } }, select: { id: true, name: true, status: true, statusReason: true } });
  const byId = new Map(machines.map((m) => [m.id, m]));
  return revocations.flatMap(({ machineId, at }) => {
    const m = byId.get(machineId);
    return m ? [{ id: m.id, name: m.name, status: m.status, at: at.toISOString(), reason: m.statusReason }] : [];
  });
}

export async function checkpointSummary(db: Reader): Promise<CheckpointSummary | null> {
  const latest = await latestCheckpoint(db);
  return latest ? { size: latest.size, rootHash: hexEncode(latest.rootHash), createdAt: latest.createdAt.toISOString() } : null;
}

function machineSubject(subjects: string): string | null {
  try {
    const machine = (JSON.parse(subjects) as { machine?: unknown }).machine;
    return typeof machine === "string" ? machine : null;
  } catch {
    return null;
  }
}

async function machineNames(db: Reader, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.machine.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
  return new Map(rows.map((m) => [m.id, m.name]));
}
