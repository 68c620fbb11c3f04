/**
 * Reading and changing machine records. Reads take any client (a Db or a transaction);
 * changes take a WriteTx so that each one commits together with its audit entry.
 */
import { recordAuditEvent } from "../audit/log";
import type { AuditActor } from "../audit/entry";
import type { Tx } from "../db/client";
import { Prisma, type Machine as MachineRow } from "../db/generated/client";
import { sqlOf, type SqlWriteTx, type WriteTx } from "../db/transaction";
import { parsePublicKey } from "../protocol/key-parse";
import { fingerprint } from "../protocol/keys";
import { MachineError } from "./errors";
import { machineFromRow, type Machine } from "./model";
import { validateName, validateTags } from "./validate";

type Reader = Pick<Tx, "machine" | "$queryRaw">;

/**
 * The machine enrolled under `keyId`, whatever its status (callers decide what status allows).
 * Raw SQL on purpose: this runs for every signed request, and a raw query costs about a third
 * of a model query through Prisma (bench/auth.ts). Same row shape, same quoting in SQLite
 * and PostgreSQL.
 */
export async function findMachineByKeyId(db: Reader, keyId: string): Promise<Machine | null> {
  const rows = await db.$queryRaw<MachineRow[]>`SELECT "id", "name", "description", "keyId", "publicJwk", "status", "statusReason",
    "tags", "createdAt", "lastSeenAt" FROM "Machine" WHERE "keyId" = ${keyId}`;
  return rows[0] ? machineFromRow(rows[0]) : null;
}

export async function findMachineById(db: Reader, id: string): Promise<Machine | null> {
  const row = await db.machine.findUnique({ where: { id } });
  return row ? machineFromRow(row) : null;
}

export interface RegisterMachineInput {
  name: string;
  /** JWK (object or JSON text) or SPKI PEM; parsed and checked with the protocol library. */
  publicKey: string | object;
  tags?: string[];
  actor: AuditActor;
}

export async function registerMachine(tx: WriteTx, input: RegisterMachineInput): Promise<Machine> {
  const name = validateName(input.name);
  const tags = validateTags(input.tags);
  const parsed = parsePublicKey(input.publicKey);
  if (!parsed.ok) throw new MachineError("public_key_invalid", `The public key is not usable: ${parsed.reason}.`);
  const { keyId, jwk } = parsed.key;

  // One key, one machine: a key id names exactly one identity in the audit trail.
  // Checked under the write lock, so two registrations cannot both pass.
  const existing = await tx.machine.findUnique({ where: { keyId }, select: { id: true, name: true } });
  if (existing) {
    throw new MachineError(
      "key_already_enrolled",
      `This public key (${fingerprint(keyId)}) is already enrolled as machine "${existing.name}" (${existing.id}); generate a new key for a new machine.`,
    );
  }
  const row = await tx.machine.create({
    data: { name, keyId, publicJwk: JSON.stringify(jwk), status: "active", tags: JSON.stringify(tags) },
  });
  const machine = machineFromRow(row);
  await recordAuditEvent(tx, {
    type: "machine.registered",
    actor: input.actor,
    subjects: { machine: machine.id },
    summary: `Machine "${name}" registered with key ${machine.fingerprint}.`,
    evidence: { machineId: machine.id, name, keyId, fingerprint: machine.fingerprint, publicJwk: jwk, tags, status: machine.status },
  });
  return machine;
}

/**
 * The machines enrolled under `keyIds`, by key id (absent: no such machine), whatever their
 * status. Request authentication reads them inside its write transaction, so a revocation
 * or suspension that committed before it, on any instance, is seen, and none can commit
 * until it ends. One raw statement for any number of keys, for the same reason as
 * findMachineByKeyId.
 */
export async function findMachinesByKeyIds(tx: WriteTx | SqlWriteTx, keyIds: readonly string[]): Promise<Map<string, Machine>> {
  const machines = new Map<string, Machine>();
  if (keyIds.length === 0) return machines;
  const rows = await sqlOf(tx).query<MachineRow>(Prisma.sql`SELECT "id", "name", "description", "keyId", "publicJwk", "status", "statusReason",
    "tags", "createdAt", "lastSeenAt" FROM "Machine" WHERE "keyId" IN (${Prisma.join(keyIds)})`);
  for (const row of rows) machines.set(row.keyId, machineFromRow(row));
  return machines;
}

/**
 * Stores `at` as the machine's last-seen time. Request authentication calls it at most once
 * per LAST_SEEN_RESOLUTION_MS per machine (lib/auth/request-commit.ts): lastSeenAt is coarse.
 */
export async function markMachineSeen(tx: WriteTx | SqlWriteTx, id: string, at: Date): Promise<void> {
  await sqlOf(tx).execute(Prisma.sql`UPDATE "Machine" SET "lastSeenAt" = ${at} WHERE "id" = ${id}`);
}
