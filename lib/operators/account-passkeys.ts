/**
 * A signed-in operator adding another passkey (a second device, a security key). The challenge
 * is bound to the operator, so a prompt opened by one operator cannot register a passkey for
 * another.
 */
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { consumeChallenge, findOpenChallenge, issueChallenge } from "../webauthn/challenges";
import { registrationOptions, verifyRegistration } from "../webauthn/ceremonies";
import { claimedChallenge, parseRegistrationResponse } from "../webauthn/responses";
import type { RelyingParty } from "../webauthn/relying-party";
import { OperatorError } from "./errors";
import { addPasskey } from "./passkeys";
import type { PasskeyRecord } from "./records";
import type { CurrentOperator } from "./sessions";
import type { RequestContext } from "./sign-in";

export async function startAddPasskey(db: Db, rp: RelyingParty, operator: CurrentOperator, ctx: RequestContext, now = new Date()) {
  const row = await db.operator.findUniqueOrThrow({ where: { id: operator.id }, include: { passkeys: { select: { credentialId: true } } } });
  const { challenge } = await issueChallenge(db, { purpose: "add-passkey", operatorId: operator.id }, ctx.ip, now);
  return registrationOptions(rp, {
    challenge,
    userHandle: row.userHandle,
    userName: row.name,
    // Removed ones too: their credential ids stay taken (the public keys are kept).
    excludeCredentialIds: row.passkeys.map((p) => p.credentialId),
  });
}

export async function completeAddPasskey(db: Db, rp: RelyingParty, operator: CurrentOperator, input: { name: string; response: unknown }, now = new Date()): Promise<PasskeyRecord> {
  const response = parseRegistrationResponse(input.response);
  if (!response) throw new OperatorError("invalid_request", "The browser's passkey answer was malformed; try again.");
  const challenge = claimedChallenge(response.response.clientDataJSON);
  const open = challenge ? await findOpenChallenge(db, challenge, "add-passkey", now) : null;
  if (!open || open.operatorId !== operator.id) throw new OperatorError("challenge_invalid", "This passkey prompt expired or was already used; start again.");
  const verified = await verifyRegistration(rp, open.challenge, response);
  if (!verified) throw new OperatorError("passkey_invalid", "The new passkey could not be verified; try again.");
  return writeTransaction(db, async (tx) => {
    await consumeChallenge(tx, open.challenge, "add-passkey", now);
    return addPasskey(tx, { type: "operator", id: operator.id }, operator.id, verified, input.name, now);
  });
}
