/** Converting stored audit rows back into the hashed entry format (server side). */
import type { AuditEntry } from "../db/generated/client";
import { AUDIT_ENTRY_VERSION, type AuditActorType, type HashedAuditEntry } from "./entry";

export function entryFromRow(row: AuditEntry): HashedAuditEntry {
  return {
    v: AUDIT_ENTRY_VERSION,
    seq: row.seq,
    time: row.time.toISOString(),
    type: row.type,
    actor: { type: row.actorType as AuditActorType, id: row.actorId },
    subjects: JSON.parse(row.subjects),
    summary: row.summary,
    evidence: JSON.parse(row.evidence),
    prevHash: row.prevHash,
    entryHash: row.entryHash,
  };
}
