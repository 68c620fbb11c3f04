/**
 * A machine changing its key (POST /api/v1/machine/rekey, wire format in wire.ts). The
 * request was authenticated with the current key (its `machine.request` entry is committed
 * first); the body carries the new public key and the new key's signature over the
 * key-change statement for this server, so both keys agree. In ONE write transaction: the
 * machine must still be active with the same current key (a revocation or another re-key in
 * between wins), the new key must never have been enrolled, the old key is retired (refused
 * as key_revoked from the next request on every instance) and the new one installed, and
 * `machine.rekeyed` records the statement, the proof and the request's entry.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import type { Ed25519Backend } from "../protocol/ed25519";
import { tryBase64UrlDecode, utf8Decode } from "../protocol/encoding";
import { fingerprint } from "../protocol/keys";
import { MachineError } from "./errors";
import { MACHINE_EVENTS } from "./events";
import { machineFromRow, type Machine } from "./model";
import { assertKeyUnused, parseMachineKey, requireMachine } from "./repository";
import { keyChangeMessage, keyChangeStatement } from "./wire";

export interface RekeyInput {
  machine: Machine;
  /** The request body (already authenticated and digest-checked). */
  body: Uint8Array;
  /** The Console's public URL: the statement must name this server. */
  publicUrl: URL;
  /** The `machine.request` entry of the authenticated request. */
  requestSeq: number;
  backend: Ed25519Backend;
  now: Date;
}

function parseRekeyBody(body: Uint8Array): { publicKey: unknown; proof: unknown } {
  try {
    const value: unknown = JSON.parse(utf8Decode(body));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as { publicKey: unknown; proof: unknown };
  } catch {
    // answered below
  }
  throw new MachineError("body_invalid", 'The key-change body must be a JSON object: {"publicKey": {JWK}, "proof": "base64url signature"}.');
}

export async function rekeyMachine(db: Db, input: RekeyInput): Promise<{ machine: Machine; retiredKeyId: string }> {
  const { machine, now } = input;
  const body = parseRekeyBody(input.body);
  if (typeof body.publicKey !== "object" || body.publicKey === null) throw new MachineError("public_key_invalid", 'The key-change body needs "publicKey", the new public key as a JWK.');
  const next = parseMachineKey(body.publicKey);
  if (next.keyId === machine.keyId) throw new MachineError("key_already_enrolled", "The new key is the current key; generate a new key to re-key.");
  const statement = keyChangeStatement(input.publicUrl, machine.keyId, next.keyId);
  const proof = typeof body.proof === "string" ? tryBase64UrlDecode(body.proof) : null;
  if (!proof || proof.length !== 64 || !(await input.backend.verify(next.raw, keyChangeMessage(statement), proof))) {
    throw new MachineError("proof_invalid", "The proof is not the new key's Ed25519 signature over the key-change statement for this server (see lib/machines/wire.ts).");
  }

  return writeTransaction(db, async (tx) => {
    const current = await requireMachine(tx, machine.id);
    if (current.status !== "active" || current.keyId !== machine.keyId) {
      throw new MachineError("machine_state", `Machine "${current.name}" is ${current.status}${current.keyId !== machine.keyId ? " and its key changed meanwhile" : ""}; the key was not changed.`);
    }
    await assertKeyUnused(tx, next.keyId);
    await tx.retiredKey.create({ data: { keyId: current.keyId, machineId: current.id, publicJwk: JSON.stringify(current.publicJwk), retiredAt: now, reason: "rekeyed" } });
    const row = await tx.machine.update({ where: { id: current.id }, data: { keyId: next.keyId, publicJwk: JSON.stringify(next.jwk) } });
    await recordAuditEvent(tx, {
      type: MACHINE_EVENTS.rekeyed,
      actor: { type: "machine", id: current.keyId },
      subjects: { machine: current.id },
      summary: `Machine "${current.name}" changed its key from ${current.fingerprint} to ${fingerprint(next.keyId)}; the old key is revoked.`,
      evidence: { machineId: current.id, oldKeyId: current.keyId, oldPublicJwk: current.publicJwk, newKeyId: next.keyId, newPublicJwk: next.jwk, statement, proof: body.proof, requestSeq: input.requestSeq },
      time: now,
    });
    return { machine: machineFromRow(row), retiredKeyId: current.keyId };
  });
}
