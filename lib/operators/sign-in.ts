/**
 * Signing in with a passkey: verify a WebAuthn assertion against a challenge this server issued,
 * then, in one write transaction, use up the challenge, advance the passkey's signature counter,
 * open a session and record the sign-in with the assertion itself as evidence (so anyone can
 * re-verify it later with the passkey's public key from the audit log).
 */
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { consumeChallenge, findOpenChallenge, issueChallenge } from "../webauthn/challenges";
import { authenticationOptions, verifyAssertion } from "../webauthn/ceremonies";
import { claimedChallenge, parseAuthenticationResponse } from "../webauthn/responses";
import type { RelyingParty } from "../webauthn/relying-party";
import { OPERATOR_EVENTS } from "./audit-events";
import { OperatorError } from "./errors";
import { assertWithinLimits, LIMITS } from "./rate-limit";
import { createSession } from "./sessions";
import { recordSignInFailure } from "./sign-in-failures";

export interface RequestContext {
  ip: string;
  userAgent: string;
}

export async function startSignIn(db: Db, rp: RelyingParty, ctx: RequestContext, now = new Date()) {
  await assertWithinLimits(db, [LIMITS.signInFailuresPerIp(ctx.ip)], now);
  const { challenge } = await issueChallenge(db, { purpose: "sign-in" }, ctx.ip, now);
  return authenticationOptions(rp, challenge);
}

export interface SignedIn {
  operatorId: string;
  name: string;
  sessionId: string;
  sessionVersion: number;
}

export async function signInWithPasskey(db: Db, rp: RelyingParty, rawResponse: unknown, ctx: RequestContext, now = new Date()): Promise<SignedIn> {
  const response = parseAuthenticationResponse(rawResponse);
  const passkey = response ? await db.passkey.findUnique({ where: { credentialId: response.id }, include: { operator: true } }) : null;
  await assertWithinLimits(db, [LIMITS.signInFailuresPerIp(ctx.ip), ...(passkey ? [LIMITS.signInFailuresPerCredential(passkey.credentialId)] : [])], now);
  const challenge = response ? claimedChallenge(response.response.clientDataJSON) : null;
  try {
    if (!response) throw new OperatorError("invalid_request", "The browser's passkey answer was malformed; try again.");
    const open = challenge ? await findOpenChallenge(db, challenge, "sign-in", now) : null;
    if (!open) throw new OperatorError("challenge_invalid", "This sign-in prompt expired or was already used; try again.");
    if (!passkey || passkey.removedAt) throw new OperatorError("passkey_unknown", "This passkey is not registered with this Console (it may have been removed); choose another one.");
    if (passkey.operator.status !== "active") throw new OperatorError("operator_disabled", "Your operator account is disabled; ask an administrator.");
    const handle = response.response.userHandle;
    if (handle !== undefined && handle !== passkey.operator.userHandle) throw new OperatorError("passkey_invalid", "The passkey's answer did not verify.");
    const verified = await verifyAssertion(rp, open.challenge, response, {
      credentialId: passkey.credentialId,
      publicKeyCose: passkey.publicKeyCose,
      signCount: Number(passkey.signCount),
    });
    if (!verified) throw new OperatorError("passkey_invalid", "The passkey's answer did not verify.");
    return await writeTransaction(db, async (tx) => {
      await consumeChallenge(tx, open.challenge, "sign-in", now);
      // Re-read inside the transaction: the operator may have been disabled a moment ago.
      const current = await tx.passkey.findUnique({ where: { id: passkey.id }, include: { operator: true } });
      if (!current || current.removedAt) throw new OperatorError("passkey_unknown", "This passkey was removed.");
      if (current.operator.status !== "active") throw new OperatorError("operator_disabled", "Your operator account is disabled; ask an administrator.");
      await tx.passkey.update({ where: { id: passkey.id }, data: { signCount: BigInt(verified.signCount), lastUsedAt: now } });
      const session = await createSession(tx, { operatorId: current.operatorId, passkeyId: passkey.id, ...ctx }, now);
      await recordAuditEvent(tx, {
        type: OPERATOR_EVENTS.signedIn,
        actor: { type: "operator", id: current.operatorId },
        subjects: { operator: current.operatorId },
        summary: `${current.operator.name} signed in with passkey "${current.name}".`,
        evidence: { ...assertionEvidence(response), passkeyId: passkey.id, algorithm: passkey.algorithm, signCount: verified.signCount, session: session.id, ip: ctx.ip },
        time: now,
      });
      return { operatorId: current.operatorId, name: current.operator.name, sessionId: session.id, sessionVersion: current.operator.sessionVersion };
    });
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    await recordSignInFailure(db, {
      reason: error.code,
      challenge,
      credentialId: passkey?.credentialId ?? null,
      operatorId: passkey?.operatorId ?? null,
      ip: ctx.ip,
      evidence: response ? assertionEvidence(response) : {},
      now,
    });
    throw error;
  }
}

/** The assertion exactly as signed, so the audit entry can be re-verified offline. */
export function assertionEvidence(response: AuthenticationResponseJSON): Record<string, string> {
  const { clientDataJSON, authenticatorData, signature, userHandle } = response.response;
  return { credentialId: response.id, clientDataJSON, authenticatorData, signature, ...(userHandle ? { userHandle } : {}) };
}
