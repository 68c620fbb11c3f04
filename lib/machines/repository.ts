/**
 * Reading and creating machine records. Reads take any client (a Db or a transaction);
 * changes take a WriteTx so that each one commits together with its audit entry.
 */
import { recordAuditEvent } from "../audit/log";
import type { AuditActor } from "../audit/entry";
import type { Tx } from "../db/client";
import { Prisma, type Machine as MachineRow } from "../db/generated/client";
import { sqlOf, type SqlWriteTx, type WriteTx } from "../db/transaction";
import { parsePublicKey } from "../protocol/key-parse";
import { fingerprint, type PublicKeyInfo } from "../protocol/keys";
import { MachineError } from "./errors";
import { MACHINE_EVENTS } from "./events";
import { machineFromRow, type Machine, type MachineActivation } from "./model";
import { validateProfile, type MachineProfile, type MachineProfileInput } from "./validate";

type Reader = Pick<Tx, "machine" | "$queryRaw">;

// Every column, named: the raw queries below return rows shaped exactly like Prisma's.
export const MACHINE_COLUMNS = Prisma.raw(`"id", "name", "description", "keyId", "publicJwk", "status", "statusReason", "activation", "tags", "owner",
  "environment", "permissions", "verifyAudiences", "enrolledByType", "enrolledById", "ticketId", "createdAt", "activatedAt", "lastSeenAt"`);

/**
 * The machine enrolled under `keyId` (its current key), whatever its status (callers decide
 * what status allows). Raw SQL on purpose: this runs for every signed request, and a raw
 * query costs about a third of a model query through Prisma (bench/auth.ts). Same row shape,
 * same quoting in SQLite and PostgreSQL.
 */
export async function findMachineByKeyId(db: Reader, keyId: string): Promise<Machine | null> {
  const rows = await db.$queryRaw<MachineRow[]>`SELECT ${MACHINE_COLUMNS} FROM "Machine" WHERE "keyId" = ${keyId}`;
  return rows[0] ? machineFromRow(rows[0]) : null;
}

export async function findMachineById(db: Reader, id: string): Promise<Machine | null> {
  const row = await db.machine.findUnique({ where: { id } });
  return row ? machineFromRow(row) : null;
}

/** The machine, or a not_found MachineError naming the id. */
export async function requireMachine(db: Reader, id: string): Promise<Machine> {
  const machine = await findMachineById(db, id);
  if (!machine) throw new MachineError("not_found", `No machine has the id ${JSON.stringify(id.slice(0, 64))}.`);
  return machine;
}

/**
 * The machines enrolled under `keyIds`, by key id (absent: no machine signs with it now),
 * whatever their status. Request authentication reads them inside its write transaction, so
 * a revocation or suspension that committed before it, on any instance, is seen, and none
 * can commit until it ends. One raw statement for any number of keys, for the same reason
 * as findMachineByKeyId.
 */
export async function findMachinesByKeyIds(tx: WriteTx | SqlWriteTx, keyIds: readonly string[]): Promise<Map<string, Machine>> {
  const machines = new Map<string, Machine>();
  if (keyIds.length === 0) return machines;
  const rows = await sqlOf(tx).query<MachineRow>(Prisma.sql`SELECT ${MACHINE_COLUMNS} FROM "Machine" WHERE "keyId" IN (${Prisma.join(keyIds)})`);
  for (const row of rows) machines.set(row.keyId, machineFromRow(row));
  return machines;
}

/** Which of `keyIds` are retired keys (re-keyed away): they are refused as revoked. */
export async function findRetiredKeyIds(tx: WriteTx | SqlWriteTx | Reader, keyIds: readonly string[]): Promise<Set<string>> {
  if (keyIds.length === 0) return new Set();
  const query = Prisma.sql`SELECT "keyId" FROM "RetiredKey" WHERE "keyId" IN (${Prisma.join(keyIds)})`;
  const rows = "$queryRaw" in tx ? await tx.$queryRaw<{ keyId: string }[]>(query) : await sqlOf(tx).query<{ keyId: string }>(query);
  return new Set(rows.map((r) => r.keyId));
}

/**
 * Stores `at` as the machine's last-seen time. Request authentication calls it at most once
 * per LAST_SEEN_RESOLUTION_MS per machine (lib/auth/request-commit.ts): lastSeenAt is coarse.
 */
export async function markMachineSeen(tx: WriteTx | SqlWriteTx, id: string, at: Date): Promise<void> {
  await sqlOf(tx).execute(Prisma.sql`UPDATE "Machine" SET "lastSeenAt" = ${at} WHERE "id" = ${id}`);
}

/** Parses a public key (JWK object or text, or SPKI PEM) with the protocol library's checks. */
export function parseMachineKey(publicKey: string | object): PublicKeyInfo {
  const parsed = parsePublicKey(publicKey);
  if (!parsed.ok) throw new MachineError("public_key_invalid", `The public key is not usable: ${parsed.reason}.`);
  return parsed.key;
}

/**
 * One key, one machine, forever: a key id names exactly one identity in the audit trail, so
 * a key that is (or was) any machine's key is refused. Checked under the write lock, so two
 * enrollments of the same key cannot both pass.
 */
export async function assertKeyUnused(tx: WriteTx, keyId: string): Promise<void> {
  const current = await tx.machine.findUnique({ where: { keyId }, select: { id: true, name: true } });
  const retired = current ? null : await tx.retiredKey.findUnique({ where: { keyId }, select: { machine: { select: { id: true, name: true } } } });
  const owner = current ?? retired?.machine;
  if (owner) {
    throw new MachineError(
      "key_already_enrolled",
      `This public key (${fingerprint(keyId)}) ${current ? "is" : "was"} already enrolled as machine "${owner.name}" (${owner.id}); generate a new key for a new machine.`,
    );
  }
}

export interface NewMachineRecord {
  profile: MachineProfile;
  key: PublicKeyInfo;
  /** null: active at once. */
  activation: MachineActivation | null;
  enrolledBy: AuditActor;
  ticketId?: string;
  now: Date;
}

/** Inserts the row; the caller records the audit entry that explains it. */
export async function insertMachine(tx: WriteTx, input: NewMachineRecord): Promise<Machine> {
  const { profile, key, activation, enrolledBy, now } = input;
  await assertKeyUnused(tx, key.keyId);
  const row = await tx.machine.create({
    data: {
      name: profile.name,
      description: profile.description,
      keyId: key.keyId,
      publicJwk: JSON.stringify(key.jwk),
      status: activation ? "pending" : "active",
      activation,
      tags: JSON.stringify(profile.tags),
      owner: profile.owner,
      environment: profile.environment,
      permissions: JSON.stringify(profile.permissions),
      enrolledByType: enrolledBy.type,
      enrolledById: enrolledBy.id,
      ticketId: input.ticketId ?? null,
      createdAt: now,
      activatedAt: activation ? null : now,
    },
  });
  return machineFromRow(row);
}

/** The machine's record as audit evidence: everything but timestamps the entry has anyway. */
export function machineEvidence(machine: Machine) {
  const { id, name, description, keyId, fingerprint: fp, publicJwk, status, activation, tags, owner, environment, permissions } = machine;
  return { machineId: id, name, description, keyId, fingerprint: fp, publicJwk, status, activation, tags, owner, environment, permissions };
}

export interface RegisterMachineInput extends MachineProfileInput {
  /** JWK (object or JSON text) or SPKI PEM; parsed and checked with the protocol library. */
  publicKey: string | object;
  actor: AuditActor;
  /**
   * null (the host command's default): active at once, the host vouches for the key.
   * "proof": pending until the machine's first correctly signed request, or an operator's
   * confirmation (keys registered in the browser).
   */
  activation?: "proof" | null;
  now?: Date;
}

/** Registers a machine whose public key the operator (or host) already has. */
export async function registerMachine(tx: WriteTx, input: RegisterMachineInput): Promise<Machine> {
  const profile = validateProfile(input);
  const key = parseMachineKey(input.publicKey);
  const machine = await insertMachine(tx, { profile, key, activation: input.activation ?? null, enrolledBy: input.actor, now: input.now ?? new Date() });
  await recordAuditEvent(tx, {
    type: MACHINE_EVENTS.registered,
    actor: input.actor,
    subjects: { machine: machine.id },
    summary: `Machine "${machine.name}" registered with key ${machine.fingerprint}${machine.status === "pending" ? " (pending until it proves possession or is confirmed)" : ""}.`,
    evidence: machineEvidence(machine),
  });
  return machine;
}
