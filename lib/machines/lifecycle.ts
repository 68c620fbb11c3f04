/**
 * A machine's life after enrollment: confirm (pending to active), suspend and resume, revoke
 * (permanent), and what the machine's permissions on PTERI's own API are. Every change is a
 * conditional update in the caller's write transaction together with its audit entry, so a
 * change either happened and is in the log, or neither; and two operators acting at once
 * cannot both move the same machine out of the same state.
 *
 * Revocation takes effect for the very next signed request on every instance: request
 * authentication reads the status under the write lock (lib/auth/request-commit.ts).
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent, type AuditEventInput } from "../audit/log";
import { Prisma } from "../db/generated/client";
import { sqlOf, type SqlWriteTx, type WriteTx } from "../db/transaction";
import { MachineError } from "./errors";
import { MACHINE_EVENTS } from "./events";
import { machineFromRow, type Machine, type MachineStatus } from "./model";
import { requireMachine } from "./repository";
import { validatePermissions, validateReason, validateVerifyAudiences } from "./validate";

interface Transition {
  from: readonly MachineStatus[];
  to: MachineStatus;
  event: string;
  verb: string;
  /** What to tell an operator who tries it from another state. */
  refusal: (machine: Machine) => string;
}

const TRANSITIONS = {
  confirm: {
    from: ["pending"],
    to: "active",
    event: MACHINE_EVENTS.confirmed,
    verb: "confirmed",
    refusal: (m) => `Machine "${m.name}" is ${m.status}; only a pending machine can be confirmed.`,
  },
  suspend: {
    from: ["active", "pending"],
    to: "suspended",
    event: MACHINE_EVENTS.suspended,
    verb: "suspended",
    refusal: (m) => `Machine "${m.name}" is ${m.status}; only an active or pending machine can be suspended.`,
  },
  resume: {
    from: ["suspended"],
    to: "active",
    event: MACHINE_EVENTS.resumed,
    verb: "resumed",
    refusal: (m) => `Machine "${m.name}" is ${m.status}; only a suspended machine can be resumed.`,
  },
  revoke: {
    from: ["pending", "active", "suspended"],
    to: "revoked",
    event: MACHINE_EVENTS.revoked,
    verb: "revoked",
    refusal: (m) => `Machine "${m.name}" is already revoked; revocation is permanent.`,
  },
} as const satisfies Record<string, Transition>;

export type MachineAction = keyof typeof TRANSITIONS;
export const MACHINE_ACTIONS = Object.keys(TRANSITIONS) as MachineAction[];

export interface MachineActionInput {
  reason?: unknown;
  /** confirm only: the fingerprint the operator compared, checked against the key's. */
  fingerprint?: unknown;
}

const normalizeFingerprint = (text: string) => text.replace(/^SHA256:/i, "").replace(/\s+/g, "");

/** Applies an operator's (or the host's) lifecycle action, with its reason, and logs it. */
export async function changeMachineStatus(tx: WriteTx, actor: AuditActor, id: string, action: MachineAction, input: MachineActionInput = {}, now = new Date()): Promise<Machine> {
  const transition: Transition = TRANSITIONS[action];
  const reason = validateReason(input.reason, action !== "confirm");
  const machine = await requireMachine(tx, id);
  if (action === "confirm" && input.fingerprint !== undefined) {
    if (typeof input.fingerprint !== "string" || normalizeFingerprint(input.fingerprint) !== normalizeFingerprint(machine.fingerprint)) {
      throw new MachineError("machine_state", `The fingerprint you compared is not this machine's key (${machine.fingerprint}); the machine was not activated.`);
    }
  }
  // A machine suspended before it was ever activated resumes as pending, with what activated
  // it before: resuming must not skip the fingerprint confirmation or the proof of possession.
  const to: MachineStatus = action === "resume" && machine.activatedAt === null ? "pending" : transition.to;
  const { count } = await tx.machine.updateMany({
    where: { id, status: { in: [...transition.from] } },
    data: {
      status: to,
      statusReason: reason || null,
      ...(to === "active" || to === "revoked" ? { activation: null } : {}),
      ...(to === "active" && machine.activatedAt === null ? { activatedAt: now } : {}),
    },
  });
  if (count !== 1) throw new MachineError("machine_state", transition.refusal(await requireMachine(tx, id)));
  const changed = await requireMachine(tx, id);
  await recordAuditEvent(tx, {
    type: transition.event,
    actor,
    subjects: { machine: id },
    summary: `Machine "${machine.name}" ${transition.verb}${reason ? `: ${reason}` : "."}`,
    evidence: { machineId: id, keyId: machine.keyId, fingerprint: machine.fingerprint, from: machine.status, to: changed.status, reason },
    time: now,
  });
  return changed;
}

/**
 * Sets the machine's permissions on PTERI's own API (none by default). `grant` is the list of
 * permissions, or `{ permissions, verifyAudiences }`: with intents.verify, the audiences whose
 * intents it may verify (absent: unchanged). Without intents.verify the audiences are cleared,
 * so a dormant list can never come back to life when the permission is granted again later.
 */
export async function setMachinePermissions(tx: WriteTx, actor: AuditActor, id: string, grant: unknown, now = new Date()): Promise<Machine> {
  const asObject = grant !== null && typeof grant === "object" && !Array.isArray(grant) ? (grant as { permissions?: unknown; verifyAudiences?: unknown }) : null;
  // In the object form the list is required: an object without it is not a grant of nothing.
  const permissions = validatePermissions(asObject ? (asObject.permissions ?? null) : grant);
  const machine = await requireMachine(tx, id);
  const requested = asObject?.verifyAudiences === undefined ? machine.verifyAudiences : validateVerifyAudiences(asObject.verifyAudiences);
  const audiences = permissions.includes("intents.verify") ? requested : [];
  if (machine.status === "revoked") throw new MachineError("machine_state", `Machine "${machine.name}" is revoked; its permissions can no longer change.`);
  if (permissions.join() === machine.permissions.join() && audiences.join("\n") === machine.verifyAudiences.join("\n")) return machine;
  const row = await tx.machine.update({ where: { id }, data: { permissions: JSON.stringify(permissions), verifyAudiences: JSON.stringify(audiences) } });
  const verifies = audiences.length ? `; verifies intents for ${audiences.join(", ")}` : "";
  await recordAuditEvent(tx, {
    type: MACHINE_EVENTS.permissionsChanged,
    actor,
    subjects: { machine: id },
    summary: `Machine "${machine.name}" permissions set to ${permissions.length ? permissions.join(", ") : "none"}${verifies}.`,
    evidence: { machineId: id, keyId: machine.keyId, before: machine.permissions, after: permissions, verifyAudiences: { before: machine.verifyAudiences, after: audiences } },
    time: now,
  });
  return machineFromRow(row);
}

/**
 * A key registered by an operator proved possession with a correctly signed request:
 * the machine becomes active. Runs in request authentication's raw-SQL commit transaction,
 * which records the returned entry before the request's own.
 */
export async function activateOnProof(tx: WriteTx | SqlWriteTx, machine: Machine, at: Date): Promise<{ machine: Machine; entry: AuditEventInput }> {
  await sqlOf(tx).execute(Prisma.sql`UPDATE "Machine" SET "status" = 'active', "activation" = NULL, "activatedAt" = ${at}
    WHERE "id" = ${machine.id} AND "status" = 'pending'`);
  return {
    machine: { ...machine, status: "active", activation: null, activatedAt: at },
    entry: {
      type: MACHINE_EVENTS.activated,
      actor: { type: "machine", id: machine.keyId },
      subjects: { machine: machine.id },
      summary: `Machine "${machine.name}" proved possession of key ${machine.fingerprint} with its first signed request and is now active.`,
      evidence: { machineId: machine.id, keyId: machine.keyId, fingerprint: machine.fingerprint, from: "pending", to: "active" },
      time: at,
    },
  };
}
