/**
 * Which entries make up an entry's chain of custody. For an intent: the signed submission
 * (`machine.request`), `intent.submitted` (decision, policy versions, deciding rules), the
 * publication of each deciding policy version, every approval or rejection, the intent's
 * approval/rejection, its expiry, its execution (and the verify call's own request) or the
 * refused executions. Anything else stands alone.
 *
 * Every lookup follows a stored link or an index, never a scan of the log: the Intent row
 * keeps submissionSeq and executionSeq, Approval rows their auditSeq; the entries recorded
 * right after a known one by the same actor are found with the (actorId, seq) index; the rest
 * walk the (type, seq) index from the submission onwards over one rare event type (policy
 * publications, refused executions, expiries), filtered by the subjects text.
 */
import { APPROVAL_EVENTS } from "../../approvals/events";
import type { Tx } from "../../db/client";
import { INTENT_EVENTS } from "../../intents/events";
import { INTENTS_PATH } from "../../intents/wire";
import { VERIFY_PATH } from "../../intents/verify-wire";
import { POLICY_EVENTS } from "../../policies/store/events";
import type { HashedAuditEntry } from "../entry";
import { MACHINE_REQUEST } from "../evidence";

export type CustodyReader = Pick<Tx, "auditEntry" | "intent" | "approval">;

/** Refused executions of one intent shown at most (a machine retrying forever must not flood the page). */
export const MAX_REFUSALS = 20;

type Ev = Record<string, unknown>;
type IntentLinks = { id: string; machineId: string; keyId: string; status: string; expiresAt: Date; submissionSeq: number; executionSeq: number | null };

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null);
const aboutIntent = (id: string) => ({ contains: `"intent":${JSON.stringify(id)}` });

function requestPath(entry: HashedAuditEntry): string | null {
  try {
    return new URL(String((entry.evidence as Ev).targetUri)).pathname;
  } catch {
    return null;
  }
}

/** The intent an entry belongs to, when it belongs to one. */
export async function intentOf(db: CustodyReader, entry: HashedAuditEntry): Promise<string | null> {
  const subject = str(entry.subjects.intent);
  if (subject) return subject;
  if (entry.type !== MACHINE_REQUEST) return null;
  const path = requestPath(entry);
  const machineId = str(entry.subjects.machine);
  if (path === INTENTS_PATH && machineId) {
    const intent = await db.intent.findFirst({ where: { machineId, submissionSeq: entry.seq }, select: { id: true } });
    return intent?.id ?? null;
  }
  if (path === VERIFY_PATH) {
    // The verify call's outcome is the resource service's next entry of these types.
    const outcome = await db.auditEntry.findFirst({
      where: { actorId: entry.actor.id, seq: { gt: entry.seq }, type: { in: [INTENT_EVENTS.executed, INTENT_EVENTS.executionRefused] } },
      orderBy: { seq: "asc" },
      select: { subjects: true, evidence: true },
    });
    if (!outcome || num((JSON.parse(outcome.evidence) as Ev).verifyRequestSeq) !== entry.seq) return null;
    return str((JSON.parse(outcome.subjects) as Ev).intent);
  }
  return null;
}

/** The seqs of the intent's chain of custody, unordered (policy publications excepted: see policySeqs). */
export async function intentSeqs(db: CustodyReader, intent: IntentLinks): Promise<number[]> {
  const after = { gt: intent.submissionSeq };
  const [submitted, approvals, refusals, expired] = await Promise.all([
    db.auditEntry.findFirst({ where: { actorId: intent.keyId, seq: after, type: INTENT_EVENTS.submitted, subjects: aboutIntent(intent.id) }, orderBy: { seq: "asc" }, select: { seq: true } }),
    db.approval.findMany({ where: { intentId: intent.id }, orderBy: { auditSeq: "asc" }, select: { operatorId: true, auditSeq: true } }),
    db.auditEntry.findMany({ where: { type: INTENT_EVENTS.executionRefused, seq: after, subjects: aboutIntent(intent.id) }, orderBy: { seq: "asc" }, take: MAX_REFUSALS, select: { seq: true, evidence: true } }),
    intent.status === "expired"
      ? db.auditEntry.findFirst({ where: { type: INTENT_EVENTS.expired, seq: after, subjects: aboutIntent(intent.id) }, orderBy: { seq: "asc" }, select: { seq: true } })
      : null,
  ]);
  const seqs = [intent.submissionSeq, ...approvals.map((a) => a.auditSeq), ...refusals.map((r) => r.seq)];
  if (submitted) seqs.push(submitted.seq);
  if (expired) seqs.push(expired.seq);
  for (const r of refusals) pushSeq(seqs, (JSON.parse(r.evidence) as Ev).verifyRequestSeq);
  const last = approvals.at(-1);
  if (last && intent.status !== "pending") {
    // Recorded in the transaction of the decision that settled it, by that approver.
    const settled = await db.auditEntry.findFirst({
      where: { actorId: last.operatorId, seq: { gt: last.auditSeq }, type: { in: [APPROVAL_EVENTS.intentApproved, APPROVAL_EVENTS.intentRejected] }, subjects: aboutIntent(intent.id) },
      orderBy: { seq: "asc" },
      select: { seq: true },
    });
    if (settled) seqs.push(settled.seq);
  }
  if (intent.executionSeq !== null) {
    seqs.push(intent.executionSeq);
    const executed = await db.auditEntry.findUnique({ where: { seq: intent.executionSeq }, select: { evidence: true } });
    if (executed) pushSeq(seqs, (JSON.parse(executed.evidence) as Ev).verifyRequestSeq);
  }
  return seqs;
}

function pushSeq(seqs: number[], value: unknown): void {
  const seq = num(value);
  if (seq !== null) seqs.push(seq);
}

/** The (policy id, version) pairs of the rules that decided, from the intent.submitted evidence. */
export function decidingPolicies(submitted: HashedAuditEntry): { policyId: string; version: number; ruleId: string }[] {
  const decision = (submitted.evidence as Ev).decision as { rules?: unknown; limitedBy?: unknown } | undefined;
  const rules = [...(Array.isArray(decision?.rules) ? decision.rules : []), ...(decision?.limitedBy ? [decision.limitedBy] : [])];
  return rules.flatMap((r) => {
    const { policyId, policyVersion, ruleId } = (r ?? {}) as Ev;
    return typeof policyId === "string" && num(policyVersion) !== null && typeof ruleId === "string" ? [{ policyId, version: policyVersion as number, ruleId }] : [];
  });
}

/** The publication entry of each policy version (a rollback publishes a new version), recorded before `before`. */
export async function policySeqs(db: CustodyReader, versions: { policyId: string; version: number }[], before: number): Promise<number[]> {
  const distinct = [...new Set(versions.map((v) => `${v.policyId}@${v.version}`))];
  const found = await Promise.all(
    distinct.map((pv) =>
      db.auditEntry.findFirst({
        where: { type: { in: [POLICY_EVENTS.published, POLICY_EVENTS.rolledBack] }, seq: { lt: before }, subjects: JSON.stringify({ policyVersion: pv }) },
        orderBy: { seq: "desc" },
        select: { seq: true },
      }),
    ),
  );
  return found.flatMap((row) => (row ? [row.seq] : []));
}
