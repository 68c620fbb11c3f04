/**
 * Becoming an operator: open a setup link or an invitation, create a passkey, and in one write
 * transaction use up the challenge and the link, create the operator with the link's roles,
 * store the passkey's public key, and record all of it. Any failure leaves nothing behind.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { consumeChallenge, findOpenChallenge, issueChallenge } from "../webauthn/challenges";
import { registrationOptions, verifyRegistration } from "../webauthn/ceremonies";
import { claimedChallenge, parseRegistrationResponse } from "../webauthn/responses";
import type { RelyingParty } from "../webauthn/relying-party";
import { OPERATOR_EVENTS } from "./audit-events";
import { OperatorError } from "./errors";
import { consumeInvitation, findUsableInvitation, type InvitationRecord } from "./invitations";
import { addPasskey } from "./passkeys";
import { assertWithinLimits, countEvent, LIMITS } from "./rate-limit";
import { serializeRoles } from "./roles";
import type { RequestContext } from "./sign-in";
import { randomId } from "./tokens";

/** Checks the link, counting a bad one against the caller's address. */
async function usableInvitation(db: Db, token: unknown, ctx: RequestContext, now: Date): Promise<InvitationRecord> {
  await assertWithinLimits(db, [LIMITS.tokenFailuresPerIp(ctx.ip)], now);
  try {
    const invitation = await findUsableInvitation(db, token, now);
    if (invitation.kind === "setup" && (await db.operator.count()) > 0) throw setupClosed();
    return invitation;
  } catch (error) {
    if (error instanceof OperatorError && error.code.startsWith("token_")) {
      await writeTransaction(db, (tx) => countEvent(tx, LIMITS.tokenFailuresPerIp(ctx.ip), now));
    }
    throw error;
  }
}

function setupClosed(): OperatorError {
  return new OperatorError("setup_closed", "The first administrator already exists; ask an administrator for an invitation and sign in at /sign-in.");
}

export async function startRegistration(db: Db, rp: RelyingParty, input: { token: unknown; name: string }, ctx: RequestContext, now = new Date()) {
  const invitation = await usableInvitation(db, input.token, ctx, now);
  const userHandle = randomId(32);
  const { challenge } = await issueChallenge(db, { purpose: "register", invitationId: invitation.id, userHandle }, ctx.ip, now);
  const options = await registrationOptions(rp, { challenge, userHandle, userName: input.name });
  return { options, invitation: { kind: invitation.kind, roles: invitation.roles, expiresAt: invitation.expiresAt } };
}

/** What the page shows before the person creates a passkey: which roles the link grants. */
export async function describeInvitation(db: Db, token: unknown, ctx: RequestContext, now = new Date()) {
  const invitation = await usableInvitation(db, token, ctx, now);
  return { kind: invitation.kind, roles: invitation.roles, name: invitation.name, expiresAt: invitation.expiresAt };
}

export interface Registration {
  token: unknown;
  name: string;
  passkeyName: string;
  response: unknown;
}

export async function completeRegistration(db: Db, rp: RelyingParty, input: Registration, ctx: RequestContext, now = new Date()) {
  const invitation = await usableInvitation(db, input.token, ctx, now);
  const response = parseRegistrationResponse(input.response);
  if (!response) throw new OperatorError("invalid_request", "The browser's passkey answer was malformed; try again.");
  const challenge = claimedChallenge(response.response.clientDataJSON);
  const open = challenge ? await findOpenChallenge(db, challenge, "register", now) : null;
  if (!open || open.invitationId !== invitation.id || !open.userHandle) {
    throw new OperatorError("challenge_invalid", "This passkey prompt expired or was already used; start again.");
  }
  const userHandle = open.userHandle;
  const verified = await verifyRegistration(rp, open.challenge, response);
  if (!verified) throw new OperatorError("passkey_invalid", "The new passkey could not be verified; try again.");

  return writeTransaction(db, async (tx) => {
    await consumeChallenge(tx, open.challenge, "register", now);
    if (invitation.kind === "setup" && (await tx.operator.count()) > 0) throw setupClosed();
    const operator = await tx.operator.create({
      data: { name: input.name, roles: serializeRoles(invitation.roles), userHandle, invitationId: invitation.id, createdAt: now },
    });
    await consumeInvitation(tx, invitation.id, operator.id, now);
    const actor = { type: "operator" as const, id: operator.id };
    await recordAuditEvent(tx, {
      type: OPERATOR_EVENTS.invitationUsed,
      actor,
      subjects: { operator: operator.id },
      summary: `${invitation.kind === "setup" ? "Setup link" : "Invitation"} ${invitation.tokenPrefix}… used by ${input.name}.`,
      evidence: { invitationId: invitation.id, kind: invitation.kind, tokenPrefix: invitation.tokenPrefix, invitedBy: invitation.createdBy },
      time: now,
    });
    await recordAuditEvent(tx, {
      type: OPERATOR_EVENTS.created,
      actor,
      subjects: { operator: operator.id },
      summary: `Operator ${input.name} created with roles ${invitation.roles.join(", ")}.`,
      evidence: { name: input.name, roles: invitation.roles, invitationId: invitation.id, invitedBy: invitation.createdBy },
      time: now,
    });
    const passkey = await addPasskey(tx, actor, operator.id, verified, input.passkeyName, now);
    return { operatorId: operator.id, credentialId: passkey.credentialId };
  });
}
