import { APPROVAL_EVENTS } from "../approvals/events";
import { verifyApprovalAssertion, type AssertionEvidence, type PasskeyKey } from "../approvals/statement";
import type { ApprovalStatement } from "../approvals/wire";
import type { HashedAuditEntry } from "./entry";

/**
 * Machine signatures checked in flight while the verifier reads on. With a back end whose
 * `verify` really is asynchronous (WebCrypto runs it on a thread pool) this keeps every core
 * busy; with a synchronous one it costs nothing. Results are still reported in seq order,
 * so the FIRST bad entry is named even when a later one finished verifying earlier.
 */
export interface PendingSignature {
  seq: number;
  valid: Promise<boolean>;
}

const settle = async (batch: PendingSignature[]): Promise<number | null> => {
  const results = await Promise.all(batch.map((p) => p.valid));
  const bad = results.indexOf(false);
  return bad < 0 ? null : batch[bad]!.seq;
};

export class SignatureQueue {
  private batch: PendingSignature[] = [];
  private inFlight: Promise<number | null> | null = null;
  private checked = 0;

  /** @param batchSize signatures per batch; two batches are in flight at most. */
  constructor(private readonly batchSize = 256) {}

  get count(): number {
    return this.checked;
  }

  /** Queues a check; resolves to the seq of the first invalid signature once one is known, else null. */
  async add(seq: number, valid: Promise<boolean>): Promise<number | null> {
    // A back end must not throw, but a rejection must neither pass as valid nor go unhandled.
    this.batch.push({ seq, valid: valid.catch(() => false) });
    this.checked++;
    if (this.batch.length < this.batchSize) return null;
    const previous = this.inFlight;
    this.inFlight = settle(this.batch);
    this.batch = [];
    return previous ? previous : null;
  }

  /** Waits for everything queued; the seq of the first invalid signature, or null. */
  async drain(): Promise<number | null> {
    const previous = this.inFlight ? await this.inFlight : null;
    this.inFlight = null;
    if (previous !== null) return previous;
    const last = await settle(this.batch);
    this.batch = [];
    return last;
  }
}

/**
 * An operator's decision entry (approval.approved / approval.rejected), re-verified from the
 * entry alone with the portable verifier (lib/approvals/statement.ts): the passkey public key
 * in the evidence signed the statement in the evidence, on the statement's origin, and the
 * statement is the one the entry describes (intent, operator, decision). Null when it holds,
 * else why not. (That the passkey belonged to the operator is the operator.passkey_added
 * entry's business.)
 */
export async function approvalEntryFailure(entry: HashedAuditEntry): Promise<string | null> {
  const ev = entry.evidence as { statement?: ApprovalStatement; assertion?: AssertionEvidence; publicKey?: PasskeyKey; credentialId?: unknown };
  const { statement, assertion, publicKey } = ev;
  if (!statement || typeof statement !== "object" || !assertion || typeof assertion !== "object" || !publicKey || typeof publicKey !== "object") {
    return "the statement, assertion or public key is missing";
  }
  const decision = entry.type === APPROVAL_EVENTS.approved ? "approve" : "reject";
  if (statement.decision !== decision || statement.intentId !== entry.subjects.intent || statement.operatorId !== entry.actor.id || entry.actor.type !== "operator") {
    return "the signed statement is not the decision the entry describes";
  }
  if (ev.credentialId !== assertion.id) return "the credential id does not match the assertion";
  let rpId: string;
  try {
    rpId = new URL(statement.origin).hostname;
  } catch {
    return "the statement's origin is not a URL";
  }
  const checked = await verifyApprovalAssertion({ statement, assertion, publicKey, expectedOrigin: statement.origin, expectedRpId: rpId });
  return checked.ok ? null : checked.reason;
}
