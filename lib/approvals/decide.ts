/**
 * Deciding on a pending intent with a passkey, in two steps (docs/approvals.md):
 *
 *  1. startDecision: the rules are checked, the approval statement is built with a random
 *     nonce, and a WebAuthn challenge is stored whose value is the statement's hash, bound to
 *     this operator and this intent (purpose "approve").
 *  2. completeDecision: the assertion is verified against that challenge with one of this
 *     operator's passkeys; then, in one write transaction, the challenge is used up, the rules
 *     are checked again on fresh rows, the Approval is stored with its audit entry, and the
 *     intent becomes approved (obligation met) or rejected (any rejection), with its own entry
 *     and the webhook notification.
 *
 * A prompt that was answered wrongly, or whose decision the rules refuse, is used up too.
 */
import { randomBytes } from "node:crypto";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Passkey } from "../db/generated/client";
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction, type WriteTx } from "../db/transaction";
import { withLazyExpiry } from "../intents/expiry";
import { intentFromRow, type IntentRecord } from "../intents/model";
import type { CurrentOperator } from "../operators/sessions";
import { base64UrlEncode } from "../protocol/encoding";
import type { ApprovalProgress } from "../policies";
import { notifyIntentEvent } from "../webhooks/notify";
import { burnChallenge, consumeChallenge, findOpenChallenge, issueChallenge } from "../webauthn/challenges";
import { authenticationOptions, verifyAssertion } from "../webauthn/ceremonies";
import type { RelyingParty } from "../webauthn/relying-party";
import { claimedChallenge, parseAuthenticationResponse } from "../webauthn/responses";
import { ApprovalError } from "./errors";
import { APPROVAL_EVENTS } from "./events";
import { countedVotes, decisionStanding, executionWindowLimit, executionWindowOf, progressOf, type Decider, type DecisionState } from "./rules";
import { loadDecider, loadState, type LoadedState } from "./state";
import { buildStatement, statementChallenge, statementText } from "./statement";
import { approvalView } from "./views";
import type { ApprovalChallenge, ApprovalChallengeRequest, ApprovalDecisionResult, ApprovalStatement } from "./wire";

const MAX_ID_LENGTH = 64;

function notFound(): ApprovalError {
  return new ApprovalError("not_found", "There is no intent with that id.");
}

async function requireState(db: Db, intentId: string): Promise<LoadedState> {
  if (intentId.length === 0 || intentId.length > MAX_ID_LENGTH) throw notFound();
  const state = await loadState(db, intentId);
  if (!state) throw notFound();
  return state;
}

function assertMayDecide(state: DecisionState, decider: Decider | null, decision: ApprovalChallengeRequest["decision"], now: Date): asserts decider is Decider {
  if (!decider) throw new ApprovalError("not_eligible", "Your operator account no longer exists.");
  const standing = decisionStanding(state, decider, decision, now);
  if (!standing.allowed) throw new ApprovalError(standing.code, standing.reason);
}

export async function startDecision(
  db: Db,
  rp: RelyingParty,
  operator: CurrentOperator,
  intentId: string,
  request: ApprovalChallengeRequest,
  ip: string,
  now = new Date(),
): Promise<ApprovalChallenge> {
  const state = await requireState(db, intentId);
  // An intent past its deadline is expired now (and recorded so), not left pending.
  state.intent = await withLazyExpiry(db, state.intent, now);
  const decider = await loadDecider(db, operator.id);
  assertMayDecide(state, decider, request.decision, now);
  const limit = executionWindowLimit(state.intent.obligation!);
  if (request.executionWindowSeconds !== undefined && request.executionWindowSeconds > limit) {
    throw new ApprovalError("body_invalid", `executionWindowSeconds can only shorten the execution window: 1 to ${limit} seconds.`);
  }
  const passkeys = await db.passkey.findMany({ where: { operatorId: operator.id, removedAt: null }, orderBy: { createdAt: "asc" } });
  if (passkeys.length === 0) throw new ApprovalError("not_eligible", "You have no passkey to sign a decision with; add one on your account page.");
  const statement = buildStatement({
    origin: rp.origin,
    intentId: state.intent.id,
    intentHash: state.intent.hash,
    decision: request.decision,
    reason: request.reason,
    executionWindowSeconds: request.decision === "approve" ? (request.executionWindowSeconds ?? null) : null,
    operatorId: operator.id,
    issuedAt: now,
    nonce: base64UrlEncode(randomBytes(16)),
  });
  const challenge = statementChallenge(statement);
  await issueChallenge(db, { purpose: "approve", operatorId: operator.id, intentId: state.intent.id, statement: statementText(statement) }, ip, now, challenge);
  const options = await authenticationOptions(rp, challenge, passkeys.map((p) => ({ id: p.credentialId, transports: transportsOf(p) })));
  return { statement, options };
}

function transportsOf(passkey: Passkey): string[] {
  try {
    const value: unknown = JSON.parse(passkey.transports);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

export interface DecisionBody {
  challenge: string;
  response: unknown;
}

export async function completeDecision(db: Db, rp: RelyingParty, operator: CurrentOperator, intentId: string, body: DecisionBody, now = new Date()): Promise<ApprovalDecisionResult> {
  const response = parseAuthenticationResponse(body.response);
  if (!response) throw new ApprovalError("body_invalid", "The browser's passkey answer was malformed; try again.");
  const open = await findOpenChallenge(db, body.challenge, "approve", now);
  if (!open || open.operatorId !== operator.id || open.intentId !== intentId || !open.statement) {
    throw new ApprovalError("challenge_invalid", "This approval prompt expired, was already used, or was opened for another intent or operator; start again.");
  }
  const passkey = await db.passkey.findUnique({ where: { credentialId: response.id } });
  const verified = await verifyDecisionAssertion(rp, open.challenge, response, passkey, operator.id);
  if (!verified.ok) {
    await writeTransaction(db, (tx) => burnChallenge(tx, open.challenge, now));
    throw new ApprovalError("assertion_invalid", verified.reason);
  }
  const signed: SignedDecision = { statement: JSON.parse(open.statement) as ApprovalStatement, challenge: open.challenge, response, passkey: verified.passkey, signCount: verified.signCount };
  try {
    return await writeTransaction(db, async (tx) => {
      await consumeChallenge(tx, open.challenge, "approve", now);
      return recordDecision(tx, signed, now);
    });
  } catch (error) {
    // Refused by the rules on fresh rows (disabled meanwhile, decided meanwhile…): the prompt is used up all the same.
    if (error instanceof ApprovalError) await writeTransaction(db, (tx) => burnChallenge(tx, open.challenge, now));
    throw error;
  }
}

type Verified = { ok: true; passkey: Passkey; signCount: number } | { ok: false; reason: string };

async function verifyDecisionAssertion(rp: RelyingParty, challenge: string, response: AuthenticationResponseJSON, passkey: Passkey | null, operatorId: string): Promise<Verified> {
  if (claimedChallenge(response.response.clientDataJSON) !== challenge) return { ok: false, reason: "The passkey signed another prompt than this one (a different intent or decision); start again." };
  if (!passkey || passkey.operatorId !== operatorId || passkey.removedAt) return { ok: false, reason: "That passkey is not one of your registered passkeys (it may have been removed); start again with another." };
  const verified = await verifyAssertion(rp, challenge, response, { credentialId: passkey.credentialId, publicKeyCose: passkey.publicKeyCose, signCount: Number(passkey.signCount) });
  if (!verified) return { ok: false, reason: "The passkey's signature did not verify; start again." };
  return { ok: true, passkey, signCount: verified.signCount };
}

interface SignedDecision {
  statement: ApprovalStatement;
  challenge: string;
  response: AuthenticationResponseJSON;
  passkey: Passkey;
  signCount: number;
}

async function recordDecision(tx: WriteTx, signed: SignedDecision, now: Date): Promise<ApprovalDecisionResult> {
  const { statement, passkey } = signed;
  const state = await loadState(tx, statement.intentId);
  if (!state) throw notFound();
  const decider = await loadDecider(tx, statement.operatorId);
  assertMayDecide(state, decider, statement.decision, now);
  // The passkey may have been removed since the signature was checked.
  const current = await tx.passkey.findUnique({ where: { id: passkey.id } });
  if (!current || current.removedAt) throw new ApprovalError("assertion_invalid", "That passkey was removed; start again with another.");
  await tx.passkey.update({ where: { id: passkey.id }, data: { signCount: BigInt(signed.signCount), lastUsedAt: now } });

  // Approvals are immutable (a database trigger refuses updates), so the entry comes first and
  // the row is inserted with its seq; (intent, operator) names the approval in the entry.
  const after: LoadedState = {
    ...state,
    decisions: [...state.decisions, { operatorId: decider.id, decision: statement.decision, executionWindowSeconds: statement.executionWindowSeconds }],
    deciders: new Map([...state.deciders, [decider.id, decider]]),
  };
  const progress = progressOf(after)!;
  const entry = await recordAuditEvent(tx, {
    type: statement.decision === "approve" ? APPROVAL_EVENTS.approved : APPROVAL_EVENTS.rejected,
    actor: { type: "operator", id: decider.id },
    subjects: { machine: state.intent.machineId, intent: state.intent.id, operator: decider.id },
    summary: `${decider.name} ${statement.decision === "approve" ? "approved" : "rejected"} intent ${clip(state.intent.action, 100)} on ${clip(state.intent.resource, 200)} with passkey "${clip(passkey.name, 100)}".`,
    evidence: {
      intentId: state.intent.id,
      intentHash: state.intent.hash,
      machineId: state.intent.machineId,
      operatorId: decider.id,
      decision: statement.decision,
      reason: statement.reason,
      executionWindowSeconds: statement.executionWindowSeconds,
      statement,
      challenge: signed.challenge,
      assertion: { id: signed.response.id, response: signed.response.response },
      credentialId: passkey.credentialId,
      passkeyId: passkey.id,
      publicKey: { algorithm: passkey.algorithm, jwk: JSON.parse(passkey.publicKeyJwk) as unknown, spki: passkey.publicKeySpki },
      signCount: signed.signCount,
      progress: progressEvidence(progress),
    },
    time: now,
  });
  const approval = await tx.approval.create({
    data: {
      intentId: state.intent.id,
      operatorId: decider.id,
      decision: statement.decision,
      reason: statement.reason,
      executionWindowSeconds: statement.executionWindowSeconds,
      statement: statementText(statement),
      challenge: signed.challenge,
      passkeyId: passkey.id,
      credentialId: passkey.credentialId,
      assertion: JSON.stringify(signed.response),
      auditSeq: entry.seq,
      createdAt: now,
    },
  });
  after.approvals = [...state.approvals, approval];
  const intent = await settleIntent(tx, after, progress, statement, decider, now);
  return {
    intent: { id: intent.id, status: intent.status, expiresAt: intent.expiresAt.toISOString() },
    approval: approvalView(approval, decider.name, passkey.name),
  };
}

function progressEvidence(progress: ApprovalProgress) {
  return { satisfied: progress.satisfied, requirements: progress.requirements.map((r) => ({ approvers: r.approvers, team: r.team ?? null, approvedBy: r.approvedBy })) };
}

/**
 * After a decision: a rejection ends the intent; an approval that completes the obligation
 * approves it, with the execution window starting now. Otherwise it stays pending.
 */
async function settleIntent(tx: WriteTx, state: LoadedState, progress: ApprovalProgress, statement: ApprovalStatement, decider: Decider, now: Date): Promise<IntentRecord> {
  const { intent } = state;
  const rejected = statement.decision === "reject";
  if (!rejected && !progress.satisfied) return intent;
  const window = rejected ? null : executionWindowOf(state);
  const data = rejected
    ? { status: "rejected", decidedAt: now }
    : { status: "approved", decidedAt: now, expiresAt: new Date(now.getTime() + window! * 1000), executionWindowSeconds: window };
  const updated = intentFromRow(await tx.intent.update({ where: { id: intent.id }, data }));
  const voters = new Set(countedVotes(state).map((v) => v.operatorId));
  const decidedBy = rejected
    ? [{ operatorId: decider.id, operatorName: decider.name, decision: "reject" as const, reason: statement.reason }]
    : state.approvals
        .filter((a) => voters.has(a.operatorId))
        .map((a) => ({ operatorId: a.operatorId, operatorName: state.deciders.get(a.operatorId)?.name ?? a.operatorId, decision: "approve" as const, reason: a.reason }));
  const entry = await recordAuditEvent(tx, {
    type: rejected ? APPROVAL_EVENTS.intentRejected : APPROVAL_EVENTS.intentApproved,
    actor: { type: "operator", id: decider.id },
    subjects: { machine: intent.machineId, intent: intent.id },
    summary: rejected
      ? `Intent ${clip(intent.action, 100)} on ${clip(intent.resource, 200)} rejected by ${decider.name}.`
      : `Intent ${clip(intent.action, 100)} on ${clip(intent.resource, 200)} approved by ${decidedBy.map((d) => d.operatorName).join(", ")}; executable until ${updated.expiresAt.toISOString()}.`,
    evidence: {
      intentId: intent.id,
      hash: intent.hash,
      machineId: intent.machineId,
      previousStatus: intent.status,
      status: updated.status,
      approvals: state.approvals.map((a) => ({ approvalId: a.id, operatorId: a.operatorId, decision: a.decision, auditSeq: a.auditSeq })),
      progress: progressEvidence(progress),
      ...(rejected ? {} : { executionWindowSeconds: window, expiresAt: updated.expiresAt.toISOString() }),
    },
    time: now,
  });
  await notifyIntentEvent(tx, { type: rejected ? "intent.rejected" : "intent.approved", intent: updated, auditSeq: entry.seq, decidedBy }, now);
  return updated;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
