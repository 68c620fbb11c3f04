/**
 * A machine enrolling itself with a ticket (POST /api/v1/enroll, wire format in wire.ts).
 *
 * The request is verified like any signed request (lib/auth: body within its limit, target
 * URI from PTERI_PUBLIC_URL, PTERI's signature rules, Content-Digest), except that the key
 * comes from the body: the keyid must be the thumbprint of the public key being enrolled,
 * so the signature proves possession of the private key. Then, in ONE write transaction:
 * the nonce is claimed, the ticket is used up (conditional update: of two enrollments with
 * one ticket exactly one wins), the machine is created with the ticket's profile, and
 * `machine.enrolled` records the signed material (signature base and signature, not the
 * body: the ticket stays out of the log; the covered Content-Digest binds it).
 * A wrong, expired or reused ticket, a bad key or a failed check changes nothing.
 */
import { readSignedMessage, verifySignedMessage } from "../auth/authenticate-machine";
import type { AuthDeps } from "../auth/deps";
import { machineRequestEvidence } from "../auth/evidence";
import { claimNonce } from "../auth/nonces";
import { authProblemResponse } from "../auth/problems";
import { recordAuditEvent } from "../audit/log";
import { writeTransaction } from "../db/transaction";
import { utf8Decode } from "../protocol/encoding";
import { acceptableUntil } from "../protocol/httpsig/policy";
import type { PublicKeyInfo } from "../protocol/keys";
import { MachineError } from "./errors";
import { MACHINE_EVENTS } from "./events";
import type { Machine } from "./model";
import { insertMachine, machineEvidence, parseMachineKey } from "./repository";
import { consumeEnrollmentTicket, linkTicketToMachine, type TicketRecord } from "./tickets";

/** An enrollment body is a ticket and a JWK: a few hundred bytes. */
export const MAX_ENROLL_BODY_BYTES = 16 * 1024;

export type EnrollmentResult = { ok: true; machine: Machine; ticket: TicketRecord } | { ok: false; response: Response };

function parseBody(body: Uint8Array): { ticket: unknown; key: PublicKeyInfo } {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(body));
  } catch {
    throw new MachineError("body_invalid", 'The enrollment body must be JSON: {"ticket": "pteri_et_…", "publicKey": {JWK}}.');
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MachineError("body_invalid", 'The enrollment body must be a JSON object with "ticket" and "publicKey".');
  }
  const { ticket, publicKey } = value as Record<string, unknown>;
  if (typeof publicKey !== "object" || publicKey === null) throw new MachineError("public_key_invalid", 'The enrollment body needs "publicKey", the machine\'s public key as a JWK.');
  return { ticket, key: parseMachineKey(publicKey) };
}

export async function enrollWithTicket(request: Request, deps: Pick<AuthDeps, "db" | "config" | "now" | "backend">): Promise<EnrollmentResult> {
  const nowMs = deps.now();
  const now = new Date(nowMs);
  const signed = await readSignedMessage(request, { config: deps.config, maxBodyBytes: MAX_ENROLL_BODY_BYTES }, nowMs);
  if (!signed.ok) return { ok: false, response: authProblemResponse(signed.code, signed.message) };

  let body: ReturnType<typeof parseBody>;
  try {
    body = parseBody(signed.body);
  } catch (error) {
    // An unsigned (or oversized-signature) request was not even read: say what is wrong
    // with the signature first, as for every signed endpoint.
    const unsigned = await verifySignedMessage(signed, () => null, deps.backend);
    if (!unsigned.ok && unsigned.code !== "key_unknown") return { ok: false, response: authProblemResponse(unsigned.code, unsigned.message) };
    throw error;
  }
  const { ticket, key } = body;
  const verified = await verifySignedMessage(signed, (keyId) => (keyId === key.keyId ? { publicKey: key.raw, status: "active" as const } : null), deps.backend);
  if (!verified.ok) {
    const detail = verified.code === "key_unknown" ? "The signature's keyid must be the RFC 7638 thumbprint of the public key being enrolled, and the request must be signed with its private key." : verified.message;
    return { ok: false, response: authProblemResponse(verified.code, detail) };
  }

  const evidence = machineRequestEvidence(request, signed.targetUri, verified, key.jwk);
  return writeTransaction(deps.db, async (tx) => {
    const nonce = verified.params.nonce as string; // required by PTERI_SIGNATURE_RULES
    if (!(await claimNonce(tx, key.keyId, nonce, new Date(acceptableUntil(verified.params, signed.policy) * 1000), now))) {
      return { ok: false, response: authProblemResponse("replayed") };
    }
    const used = await consumeEnrollmentTicket(tx, ticket, now);
    const machine = await insertMachine(tx, {
      profile: used,
      key,
      activation: used.requireConfirmation ? "confirm" : null,
      enrolledBy: used.createdBy,
      ticketId: used.id,
      now,
    });
    await linkTicketToMachine(tx, used.id, machine.id);
    await recordAuditEvent(tx, {
      type: MACHINE_EVENTS.enrolled,
      actor: { type: "machine", id: key.keyId },
      subjects: { machine: machine.id },
      summary: `Machine "${machine.name}" enrolled with ticket ${used.tokenPrefix}… and key ${machine.fingerprint}${machine.status === "pending" ? "; waiting for an operator to confirm the fingerprint" : ""}.`,
      evidence: { ...machineEvidence(machine), ticketId: used.id, ticketCreatedBy: used.createdBy, request: evidence },
      time: now,
    });
    return { ok: true, machine, ticket: { ...used, machine } };
  });
}
