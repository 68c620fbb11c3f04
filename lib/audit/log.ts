/**
 * Appending to the audit log: the one function through which every event is recorded.
 * It runs inside the caller's write transaction (WriteTx), so a state change and its entry
 * commit or fail together, and entries get one total order across Console instances.
 */
import type { WriteTx } from "../db/transaction";
import { hexEncode } from "../protocol/encoding";
import {
  AUDIT_ENTRY_VERSION,
  entryHash,
  entryLeafHash,
  type AuditActor,
  type AuditEntryDocument,
  type AuditSubjects,
  type HashedAuditEntry,
} from "./entry";
import { appendLeaf, parseTreeState, serializeTreeState } from "./merkle-compact";
import { LEAF_READ_LEVEL } from "./merkle-proof";

export interface AuditEventInput {
  type: string;
  actor: AuditActor;
  subjects?: AuditSubjects;
  /** One short sentence for people; machine-supplied text inside it is data, not markup. */
  summary: string;
  evidence?: Record<string, unknown>;
  time?: Date;
}

const MAX_SUMMARY = 500;

export async function recordAuditEvent(tx: WriteTx, input: AuditEventInput): Promise<HashedAuditEntry> {
  const head = await tx.auditHead.findUniqueOrThrow({ where: { id: 1 } });
  const parsed = parseTreeState(head.frontier);
  if (!parsed.ok) throw new Error(`The audit log head is corrupt (${parsed.message}); refusing to append.`);

  const doc: AuditEntryDocument = {
    v: AUDIT_ENTRY_VERSION,
    seq: head.size,
    time: (input.time ?? new Date()).toISOString(),
    type: input.type,
    actor: { type: input.actor.type, id: input.actor.id },
    subjects: input.subjects ?? {},
    summary: input.summary.length > MAX_SUMMARY ? `${input.summary.slice(0, MAX_SUMMARY - 1)}…` : input.summary,
    evidence: input.evidence ?? {},
    prevHash: head.lastHash,
  };
  const hash = entryHash(doc);

  // Keep the hashes of completed perfect subtrees high enough up that storing them costs
  // about one row per 2^LEAF_READ_LEVEL entries; proofs then read O(log n) rows.
  const nodes: { level: number; index: number; hash: string }[] = [];
  const next = appendLeaf(parsed.state, entryLeafHash(hash), (level, index, nodeHash) => {
    if (level >= LEAF_READ_LEVEL) nodes.push({ level, index, hash: hexEncode(nodeHash) });
  });

  await tx.auditEntry.create({
    data: {
      seq: doc.seq,
      time: new Date(doc.time),
      type: doc.type,
      actorType: doc.actor.type,
      actorId: doc.actor.id,
      summary: doc.summary,
      subjects: JSON.stringify(doc.subjects),
      evidence: JSON.stringify(doc.evidence),
      prevHash: doc.prevHash,
      entryHash: hash,
    },
  });
  if (nodes.length > 0) await tx.auditNode.createMany({ data: nodes });
  await tx.auditHead.update({ where: { id: 1 }, data: { size: next.size, frontier: serializeTreeState(next), lastHash: hash } });
  return { ...doc, entryHash: hash };
}
