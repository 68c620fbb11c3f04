/**
 * Building an intent's audit receipt (format: receipt.ts) from the database. Reading only,
 * except that a checkpoint is signed when none covers the intent's newest entry yet (a
 * statement about entries, not an entry, as for an export).
 *
 * The entries: the signed submission (Intent.submissionSeq), every entry whose subjects name
 * the intent (submitted, approvals, approved or rejected, executed, expired, the first
 * MAX_REFUSALS refused executions), and the resource service's signed verify call behind the
 * execution. Found through the (type, seq) index from the submission on, never a full scan.
 */
import type { Db } from "../db/client";
import { APPROVAL_EVENTS } from "../approvals/events";
import { INTENT_EVENTS } from "../intents/events";
import { base64Encode } from "../protocol/encoding";
import { parsePublicKey } from "../protocol/key-parse";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { verifyCheckpoint } from "./checkpoint";
import { createCheckpoint, latestCheckpoint, type StoredCheckpoint } from "./checkpoint-store";
import { inclusionProofFor } from "./db-proofs";
import type { HashedAuditEntry } from "./entry";
import { MACHINE_REQUEST } from "./evidence";
import type { LogIdentity } from "./log-identity";
import { RECEIPT_FORMAT, RECEIPT_VERSION, type AuditReceipt } from "./receipt";
import { entryFromRow } from "./rows";

/** Refused executions are recorded for anyone who tries; only the first few go in a receipt. */
export const MAX_REFUSALS = 20;

const LIFE_EVENTS = [
  INTENT_EVENTS.submitted,
  INTENT_EVENTS.executed,
  INTENT_EVENTS.expired,
  APPROVAL_EVENTS.approved,
  APPROVAL_EVENTS.rejected,
  APPROVAL_EVENTS.intentApproved,
  APPROVAL_EVENTS.intentRejected,
];

export interface ReceiptIntent {
  id: string;
  submissionSeq: number;
}

export async function buildReceipt(db: Db, identity: LogIdentity, intent: ReceiptIntent, now = new Date()): Promise<AuditReceipt> {
  const entries = await intentEntries(db, intent);
  const newest = entries[entries.length - 1]!.seq;
  const checkpoint = await checkpointCovering(db, identity, newest + 1);
  const proofs = await Promise.all(entries.map((e) => inclusionProofFor(db, e.seq, checkpoint.size)));
  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    origin: identity.origin,
    logKey: identity.vkey,
    logKeyId: identity.keyId,
    intentId: intent.id,
    issuedAt: now.toISOString(),
    checkpoint: checkpoint.note,
    keys: await machineKeys(db, entries),
    entries: entries.map((entry, i) => ({ index: entry.seq, proof: proofs[i]!.map(base64Encode), entry })),
  };
}

async function intentEntries(db: Db, intent: ReceiptIntent): Promise<HashedAuditEntry[]> {
  const mentions = { contains: JSON.stringify({ intent: intent.id }).slice(1, -1) };
  const from = { gte: intent.submissionSeq };
  const [life, refusals] = await Promise.all([
    db.auditEntry.findMany({ where: { type: { in: LIFE_EVENTS }, seq: from, subjects: mentions }, orderBy: { seq: "asc" } }),
    db.auditEntry.findMany({ where: { type: INTENT_EVENTS.executionRefused, seq: from, subjects: mentions }, orderBy: { seq: "asc" }, take: MAX_REFUSALS }),
  ]);
  // `contains` matched text; the parsed subjects decide (a summary cannot fake a subject).
  const about = [...life, ...refusals].map(entryFromRow).filter((e) => e.subjects.intent === intent.id);
  const requestSeqs = new Set([intent.submissionSeq]);
  for (const e of about) if (e.type === INTENT_EVENTS.executed && typeof e.evidence.verifyRequestSeq === "number") requestSeqs.add(e.evidence.verifyRequestSeq);
  const requests = await db.auditEntry.findMany({ where: { seq: { in: [...requestSeqs] }, type: MACHINE_REQUEST } });
  return [...about, ...requests.map(entryFromRow)].sort((a, b) => a.seq - b.seq);
}

/** The latest checkpoint if it covers `size` entries and verifies with today's key, else a new one of the head. */
async function checkpointCovering(db: Db, identity: LogIdentity, size: number): Promise<StoredCheckpoint> {
  const latest = await latestCheckpoint(db);
  if (latest && latest.size >= size && (await verifyCheckpoint(latest.note, [identity.vkey], nodeEd25519, { origin: identity.origin })).ok) return latest;
  return createCheckpoint(db, identity);
}

/** Keys of the machines whose signatures the entries hold: current keys and retired ones. */
async function machineKeys(db: Db, entries: HashedAuditEntry[]): Promise<AuditReceipt["keys"]> {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.type === MACHINE_REQUEST) ids.add(e.actor.id);
    const request = e.type === INTENT_EVENTS.executed ? (e.evidence.request as { keyId?: unknown } | undefined) : undefined;
    if (typeof request?.keyId === "string") ids.add(request.keyId);
  }
  const keyIds = [...ids];
  const [current, retired] = await Promise.all([
    db.machine.findMany({ where: { keyId: { in: keyIds } }, select: { keyId: true, publicJwk: true, status: true } }),
    db.retiredKey.findMany({ where: { keyId: { in: keyIds } }, select: { keyId: true, publicJwk: true } }),
  ]);
  const keys: AuditReceipt["keys"] = [];
  for (const row of [...current, ...retired.map((r) => ({ ...r, status: "retired" }))].sort((a, b) => a.keyId.localeCompare(b.keyId))) {
    const parsed = parsePublicKey(row.publicJwk);
    if (parsed.ok) keys.push({ keyId: row.keyId, publicJwk: parsed.key.jwk, status: row.status });
  }
  return keys;
}
