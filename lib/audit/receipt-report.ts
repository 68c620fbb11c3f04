/**
 * What a verified receipt proves, in terms of the intent's life: submitted by which machine,
 * decided by which rule of which policy version, approved by whom, executed when. Read from
 * the entries' evidence only after verifyReceipt has checked their hashes, inclusion and
 * signatures, so every fact here is one the signed log holds. Portable.
 */
import { APPROVAL_EVENTS } from "../approvals/events";
import { INTENT_EVENTS } from "../intents/events";
import { base64Encode } from "../protocol/encoding";
import type { HashedAuditEntry } from "./entry";
import type { VerifiedReceipt } from "./receipt";

export interface ReceiptRule {
  policyId: string;
  policyVersion: number;
  ruleId: string;
  effect: string;
}

export interface ReceiptReport {
  intentId: string;
  intentHash: string;
  action: string;
  resource: string;
  origin: string;
  checkpointSize: number;
  rootHash: string;
  entries: number;
  machineSignatures: number;
  approvalSignatures: number;
  submitted: { seq: number; time: string; machineId: string; keyId: string };
  decision: { decision: string; reason: string; rules: ReceiptRule[] };
  /** Passkey-signed decisions, each re-verified. */
  approvals: { seq: number; time: string; operatorId: string; decision: string; reason: string }[];
  /** intent.approved / intent.rejected, when the obligation was settled. */
  settled: { seq: number; time: string; status: string } | null;
  executed: { seq: number; time: string; resourceServiceKeyId: string; method: string; targetUri: string } | null;
  expired: { seq: number; time: string } | null;
  refusedExecutions: number;
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json => (typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Json) : {});
const str = (x: unknown): string => (typeof x === "string" ? x : "");

function rules(value: unknown): ReceiptRule[] {
  if (!Array.isArray(value)) return [];
  return value.map((r) => {
    const o = obj(r);
    return { policyId: str(o.policyId), policyVersion: typeof o.policyVersion === "number" ? o.policyVersion : 0, ruleId: str(o.ruleId), effect: str(o.effect) };
  });
}

export function receiptReport(verified: VerifiedReceipt): ReceiptReport {
  const { receipt, checkpoint } = verified;
  const entries = receipt.entries.map((e) => e.entry);
  const about = entries.filter((e) => e.subjects.intent === receipt.intentId);
  const first = (type: string): HashedAuditEntry | undefined => about.find((e) => e.type === type);
  // verifyReceipt guarantees exactly one.
  const submitted = first(INTENT_EVENTS.submitted)!;
  const sev = obj(submitted.evidence);
  const doc = obj(sev.document);
  const decision = obj(sev.decision);
  const settled = first(APPROVAL_EVENTS.intentApproved) ?? first(APPROVAL_EVENTS.intentRejected);
  const executed = first(INTENT_EVENTS.executed);
  const expired = first(INTENT_EVENTS.expired);
  const request = obj(obj(executed?.evidence).request);
  return {
    intentId: receipt.intentId,
    intentHash: str(sev.hash),
    action: str(doc.action),
    resource: str(doc.resource),
    origin: checkpoint.origin,
    checkpointSize: checkpoint.size,
    rootHash: base64Encode(checkpoint.rootHash),
    entries: entries.length,
    machineSignatures: verified.machineSignatures,
    approvalSignatures: verified.approvalSignatures,
    submitted: { seq: submitted.seq, time: submitted.time, machineId: str(sev.machineId), keyId: submitted.actor.id },
    decision: { decision: str(decision.decision), reason: str(decision.reason), rules: rules(decision.rules) },
    approvals: about
      .filter((e) => e.type === APPROVAL_EVENTS.approved || e.type === APPROVAL_EVENTS.rejected)
      .map((e) => ({ seq: e.seq, time: e.time, operatorId: e.actor.id, decision: str(obj(e.evidence).decision), reason: str(obj(e.evidence).reason) })),
    settled: settled ? { seq: settled.seq, time: settled.time, status: str(obj(settled.evidence).status) } : null,
    executed: executed ? { seq: executed.seq, time: executed.time, resourceServiceKeyId: executed.actor.id, method: str(request.method), targetUri: str(request.targetUri) } : null,
    expired: expired ? { seq: expired.seq, time: expired.time } : null,
    refusedExecutions: about.filter((e) => e.type === INTENT_EVENTS.executionRefused).length,
  };
}
