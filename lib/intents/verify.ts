/**
 * Execution verification (POST /api/v1/verify). A resource service (an enrolled machine with
 * intents.verify) forwards the signed request it received; PTERI answers allow only when all
 * hold, checked in this order (the first that fails is the reason):
 *
 *  1. the request names an intent (pteri-intent) and is correctly signed (RFC 9421, PTERI's
 *     profile, covering the pteri-intent header) by an active machine with its current key,
 *     within the usual time window (verify-signature.ts);
 *  2. the Content-Digest header is the digest the service computed over the body it received;
 *  3. the intent exists and belongs to the signer; its audience is one the verifier is granted;
 *  4. method, target URI and Content-Digest are exactly those the intent committed to;
 *  5. it is allowed or approved, unexpired (lazy expiry), and was never executed.
 *
 * Then, in the same write transaction, the intent becomes `executed` with a conditional
 * update (still allowed or approved, executedAt null), so of any number of concurrent
 * verifications on any number of instances exactly one is allowed, and `intent.executed`
 * is recorded with the forwarded signed request as evidence. Every refusal is recorded too
 * (`intent.execution_refused`, with its reason); bad input (the schema) is a 400 and records
 * nothing.
 */
import { recordAuditEvent } from "../audit/log";
import { machineRequestEvidence } from "../auth/evidence";
import type { Db } from "../db/client";
import { writeTransaction, type WriteTx } from "../db/transaction";
import { findMachineById } from "../machines/repository";
import type { Machine } from "../machines/model";
import { normalizeAudience } from "../machines/wire";
import type { Ed25519Backend } from "../protocol/ed25519";
import { tryUtf8Decode } from "../protocol/encoding";
import { IntentError } from "./errors";
import { INTENT_EVENTS } from "./events";
import { expireIfDue } from "./expiry";
import { intentFromRow, type IntentRecord } from "./model";
import { checkForwardedSignature, type SignatureRefusal, type SignedExecution } from "./verify-signature";
import { MAX_VERIFY_BODY_BYTES, verifyBodySchema, type RequestMismatch, type VerifiedIntent, type VerifyAnswer, type VerifyBody, type VerifyDenyReason } from "./verify-wire";

export interface VerifyExecutionInput {
  /** The resource service, authenticated, holding intents.verify. */
  verifier: Machine;
  verifierKeyId: string;
  /** The `machine.request` entry of the verify call itself. */
  requestSeq: number;
  body: Uint8Array;
  now: Date;
  backend: Ed25519Backend;
}

interface Refusal {
  reason: VerifyDenyReason;
  message: string;
  mismatch?: RequestMismatch;
  /** Shown to the verifier only once it is known to be granted the intent's audience. */
  intent?: IntentRecord;
  /** The intent the refusal is about, for the audit entry (even when not shown). */
  about?: IntentRecord;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The body, or IntentError("body_invalid") naming the first problem: bad input records nothing. */
export function parseVerifyBody(bytes: Uint8Array): VerifyBody {
  if (bytes.length > MAX_VERIFY_BODY_BYTES) throw new IntentError("body_invalid", `A verify request is at most ${MAX_VERIFY_BODY_BYTES / 1024} KiB.`);
  const text = tryUtf8Decode(bytes);
  let value: unknown;
  try {
    value = text === null ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value === undefined) throw new IntentError("body_invalid", "The body must be a JSON object: { request: { method, targetUri, headers }, bodyDigest }.");
  const parsed = verifyBodySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new IntentError("body_invalid", `${where}${issue?.message ?? "invalid input"}`, { path: issue?.path.map(String) ?? [] });
  }
  return parsed.data;
}

export async function verifyExecution(db: Db, input: VerifyExecutionInput): Promise<VerifyAnswer> {
  const body = parseVerifyBody(input.body);
  const signed = await checkForwardedSignature(db, body, input.now.getTime(), input.backend);
  return writeTransaction(db, async (tx) => {
    if (!signed.ok) return refuse(tx, input, body, signed, { reason: signed.reason, message: signed.message });
    const outcome = await decide(tx, input, signed);
    if ("reason" in outcome) return refuse(tx, input, body, signed, outcome);
    return execute(tx, input, body, signed, outcome);
  });
}

function isExecutable(status: string): boolean {
  return status === "allowed" || status === "approved";
}

/** Steps 1 (again, under the write lock) to 5; the intent to execute, or why not. */
async function decide(tx: WriteTx, input: VerifyExecutionInput, signed: SignedExecution): Promise<IntentRecord | Refusal> {
  // Both machines as they are now: a suspension or revocation committed since the checks
  // outside the transaction applies to this very verification.
  const signer = await findMachineById(tx, signed.signer.id);
  if (!signer || signer.keyId !== signed.verified.keyId) return { reason: "key_revoked", message: "The request is signed with a key the machine no longer uses." };
  if (signer.status !== "active") return { reason: "machine_inactive", message: `The machine that signed the request is ${signer.status}.` };

  const row = await tx.intent.findFirst({ where: { id: signed.intentId, machineId: signer.id } });
  // Another machine's intent answers like a missing one: nobody learns it exists.
  if (!row) return { reason: "intent_unknown", message: "The machine that signed the request has no intent with this id." };
  let intent = intentFromRow(row);
  const verifier = await findMachineById(tx, input.verifier.id);
  const audience = normalizeAudience(intent.audience);
  if (!verifier || verifier.status !== "active" || !verifier.permissions.includes("intents.verify") || audience === null || !verifier.verifyAudiences.includes(audience)) {
    return { reason: "audience_not_allowed", message: "This resource service is not granted the intent's audience; an editor can add it next to intents.verify on the service's machine page.", about: intent };
  }

  const mismatch = requestMismatch(intent, signed);
  if (mismatch) return { ...mismatch, intent, about: intent };

  intent = await expireIfDue(tx, intent, input.now);
  if (intent.status === "executed") return { reason: "intent_executed", message: `The intent was already executed at ${intent.executedAt?.toISOString() ?? "an earlier time"}; an intent executes once.`, intent, about: intent };
  if (intent.status === "expired") return { reason: "intent_expired", message: `The intent expired at ${intent.expiresAt.toISOString()}.`, intent, about: intent };
  if (!isExecutable(intent.status)) return { reason: "intent_not_approved", message: `The intent is ${intent.status}; only an allowed or approved intent can execute.`, intent, about: intent };
  return intent;
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function requestMismatch(intent: IntentRecord, signed: SignedExecution): Pick<Refusal, "reason" | "message" | "mismatch"> | null {
  const committed = intent.document.execute;
  const differs = (mismatch: RequestMismatch, message: string) => ({ reason: "request_mismatch" as const, mismatch, message });
  if (committed.method !== signed.method) return differs("method", `The intent commits to ${committed.method}, not ${signed.method}.`);
  if (!sameUrl(committed.targetUri, signed.targetUri)) return differs("target", `The intent commits to the target ${committed.targetUri}, not ${clip(signed.targetUri, 300)}.`);
  if (committed.contentDigest !== signed.contentDigest) {
    return differs("digest", committed.contentDigest === null ? "The intent commits to a request without a body." : "The body is not the one the intent commits to (its Content-Digest differs).");
  }
  return null;
}

function intentView(intent: IntentRecord): VerifiedIntent {
  return { id: intent.id, hash: intent.hash, action: intent.action, resource: intent.resource, params: intent.document.params, machineId: intent.machineId };
}

/** The forwarded request as the audit log keeps it: enough to re-verify the signature offline. */
function requestEvidence(body: VerifyBody, signed: SignedExecution | SignatureRefusal) {
  if (signed.ok) return machineRequestEvidence({ method: body.request.method, headers: signed.headers }, signed.targetUri, signed.verified, signed.signer.publicJwk);
  const h = new Map(Object.entries(body.request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: body.request.method,
    targetUri: body.request.targetUri,
    keyId: signed.keyId,
    signatureInput: h.get("signature-input") ?? null,
    signatureHeader: h.get("signature") ?? null,
    signatureBase: signed.signatureBase,
    contentDigest: h.get("content-digest") ?? null,
  };
}

async function execute(tx: WriteTx, input: VerifyExecutionInput, body: VerifyBody, signed: SignedExecution, intent: IntentRecord): Promise<VerifyAnswer> {
  const { count } = await tx.intent.updateMany({
    where: { id: intent.id, status: { in: ["allowed", "approved"] }, executedAt: null },
    data: { status: "executed", executedAt: input.now, executedBy: input.verifier.id },
  });
  if (count !== 1) {
    // Unreachable while writes are serialized by the write lock; if it ever happens, refusing is the safe answer.
    return refuse(tx, input, body, signed, { reason: "intent_executed", message: "The intent was executed meanwhile; an intent executes once.", intent, about: intent });
  }
  const approvals = await tx.approval.findMany({ where: { intentId: intent.id }, orderBy: { auditSeq: "asc" }, select: { id: true, operatorId: true, decision: true, auditSeq: true } });
  const entry = await recordAuditEvent(tx, {
    type: INTENT_EVENTS.executed,
    actor: { type: "machine", id: input.verifierKeyId },
    subjects: { machine: intent.machineId, intent: intent.id },
    summary: `Resource service "${input.verifier.name}" executed intent ${clip(intent.action, 100)} on ${clip(intent.resource, 200)} (${intent.document.execute.method} ${clip(intent.document.execute.targetUri, 300)}).`,
    evidence: {
      intentId: intent.id,
      hash: intent.hash,
      machineId: intent.machineId,
      verifierMachineId: input.verifier.id,
      verifyRequestSeq: input.requestSeq,
      request: requestEvidence(body, signed),
      bodyDigest: body.bodyDigest,
      previousStatus: intent.status,
      submissionSeq: intent.submissionSeq,
      decision: { decision: intent.decision.decision, reason: intent.decision.reason, rules: intent.decision.rules },
      approvals,
    },
    time: input.now,
  });
  await tx.intent.update({ where: { id: intent.id }, data: { executionSeq: entry.seq } });
  return { decision: "allow", reason: "allowed", message: "The request is the one the intent committed to; the intent is now executed.", intent: intentView(intent), auditSeq: entry.seq };
}

async function refuse(tx: WriteTx, input: VerifyExecutionInput, body: VerifyBody, signed: SignedExecution | SignatureRefusal, refusal: Refusal): Promise<VerifyAnswer> {
  const about = refusal.about;
  const signer = signed.signer;
  const claimed = signed.intentId;
  const entry = await recordAuditEvent(tx, {
    type: INTENT_EVENTS.executionRefused,
    actor: { type: "machine", id: input.verifierKeyId },
    // The machine it is about: the signer when the keyid names one, else the resource service.
    subjects: { machine: signer?.id ?? input.verifier.id, ...(about ? { intent: about.id } : {}) },
    summary: `Resource service "${input.verifier.name}" was refused execution${claimed ? ` of intent ${clip(claimed, 64)}` : ""}: ${refusal.reason}${refusal.mismatch ? ` (${refusal.mismatch})` : ""}.`,
    evidence: {
      reason: refusal.reason,
      ...(refusal.mismatch ? { mismatch: refusal.mismatch } : {}),
      message: refusal.message,
      intentId: claimed,
      ...(about ? { hash: about.hash, status: about.status } : {}),
      verifierMachineId: input.verifier.id,
      verifyRequestSeq: input.requestSeq,
      request: requestEvidence(body, signed),
      bodyDigest: body.bodyDigest,
    },
    time: input.now,
  });
  return {
    decision: "deny",
    reason: refusal.reason,
    message: refusal.message,
    ...(refusal.mismatch ? { mismatch: refusal.mismatch } : {}),
    intent: refusal.intent ? intentView(refusal.intent) : null,
    auditSeq: entry.seq,
  };
}
