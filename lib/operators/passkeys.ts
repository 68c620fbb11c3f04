/**
 * An operator's passkeys: added after a verified registration, renamed, removed. Removal keeps
 * the public key (removedAt) so signatures it made stay verifiable, ends the sessions it
 * signed in, and never takes an operator's last passkey: to lock someone out, disable them.
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent } from "../audit/log";
import type { Db, Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import type { VerifiedPasskey } from "../webauthn/ceremonies";
import { OPERATOR_EVENTS } from "./audit-events";
import { OperatorError } from "./errors";
import { toPasskeyRecord, type PasskeyRecord } from "./records";

export async function listPasskeys(db: Db | Tx, operatorId: string): Promise<PasskeyRecord[]> {
  const rows = await db.passkey.findMany({ where: { operatorId, removedAt: null }, orderBy: { createdAt: "asc" } });
  return rows.map(toPasskeyRecord);
}

/** Stores a verified passkey and records its public key in the audit log, for offline checks. */
export async function addPasskey(tx: WriteTx, actor: AuditActor, operatorId: string, passkey: VerifiedPasskey, name: string, now = new Date()): Promise<PasskeyRecord> {
  if (await tx.passkey.findUnique({ where: { credentialId: passkey.credentialId } })) {
    throw new OperatorError("passkey_exists", "This passkey is already registered.");
  }
  const row = await tx.passkey.create({
    data: {
      operatorId,
      credentialId: passkey.credentialId,
      publicKeyCose: passkey.publicKey.cose,
      algorithm: passkey.publicKey.algorithm,
      publicKeyJwk: JSON.stringify(passkey.publicKey.jwk),
      publicKeySpki: passkey.publicKey.spki,
      signCount: BigInt(passkey.signCount),
      transports: JSON.stringify(passkey.transports),
      name,
      aaguid: passkey.aaguid,
      deviceType: passkey.deviceType,
      backedUp: passkey.backedUp,
      createdAt: now,
    },
  });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.passkeyAdded,
    actor,
    subjects: { operator: operatorId },
    summary: `Passkey "${name}" added.`,
    evidence: {
      passkeyId: row.id,
      credentialId: passkey.credentialId,
      algorithm: passkey.publicKey.algorithm,
      publicKeyJwk: passkey.publicKey.jwk,
      publicKeySpki: passkey.publicKey.spki,
      publicKeyCose: passkey.publicKey.cose,
      aaguid: passkey.aaguid,
    },
    time: now,
  });
  return toPasskeyRecord(row);
}

async function loadOwnedPasskey(tx: WriteTx, operatorId: string, passkeyId: string) {
  const row = await tx.passkey.findUnique({ where: { id: passkeyId } });
  // Someone else's passkey answers exactly like a missing one.
  if (!row || row.operatorId !== operatorId || row.removedAt) throw new OperatorError("not_found", "There is no such passkey.");
  return row;
}

export async function renamePasskey(tx: WriteTx, actor: AuditActor, operatorId: string, passkeyId: string, name: string, now = new Date()): Promise<void> {
  const row = await loadOwnedPasskey(tx, operatorId, passkeyId);
  if (row.name === name) return;
  await tx.passkey.update({ where: { id: passkeyId }, data: { name } });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.passkeyRenamed,
    actor,
    subjects: { operator: operatorId },
    summary: `Passkey "${row.name}" renamed to "${name}".`,
    evidence: { passkeyId, credentialId: row.credentialId, before: row.name, after: name },
    time: now,
  });
}

export async function removePasskey(tx: WriteTx, actor: AuditActor, operatorId: string, passkeyId: string, now = new Date()): Promise<void> {
  const row = await loadOwnedPasskey(tx, operatorId, passkeyId);
  const remaining = await tx.passkey.count({ where: { operatorId, removedAt: null } });
  if (remaining <= 1) {
    throw new OperatorError("last_passkey", "This is the operator's only passkey; add another one first (or disable the operator to lock them out).");
  }
  await tx.passkey.update({ where: { id: passkeyId }, data: { removedAt: now } });
  const ended = await tx.operatorSession.updateMany({ where: { passkeyId, revokedAt: null }, data: { revokedAt: now } });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.passkeyRemoved,
    actor,
    subjects: { operator: operatorId },
    summary: `Passkey "${row.name}" removed${ended.count > 0 ? `; ${ended.count} session(s) it signed in ended` : ""}.`,
    evidence: { passkeyId, credentialId: row.credentialId, sessionsEnded: ended.count },
    time: now,
  });
}
