/**
 * Enrollment tickets: one-time secrets that let exactly one machine enroll itself with the
 * profile (name, tags, owner, environment, permissions) an operator, the host or a
 * provisioning machine chose. The ticket is returned once; the database keeps its SHA-256.
 * Using one is a conditional update inside the transaction that creates the machine
 * (lib/machines/enrollment.ts), so a ticket works exactly once, on every instance.
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent } from "../audit/log";
import type { Tx } from "../db/client";
import type { EnrollmentTicket as TicketRow } from "../db/generated/client";
import type { WriteTx } from "../db/transaction";
import { hashToken, issueToken, TOKEN_PREFIX_LENGTH } from "../operators/tokens";
import { MachineError } from "./errors";
import { MACHINE_EVENTS } from "./events";
import { machineFromRow, type Machine } from "./model";
import { validateProfile, type MachineProfile, type MachineProfileInput } from "./validate";
import { isMachinePermission, isTicketShaped, TICKET_PREFIX } from "./wire";

export const TICKET_MINUTES = { min: 5, max: 24 * 60, default: 15 } as const;

export type TicketStatus = "open" | "used" | "expired" | "revoked";

export interface TicketRecord extends MachineProfile {
  id: string;
  /** The first characters after the prefix, so people can tell tickets apart without the secret. */
  tokenPrefix: string;
  requireConfirmation: boolean;
  expiresAt: Date;
  createdAt: Date;
  createdBy: AuditActor;
  status: TicketStatus;
  usedAt: Date | null;
  machine: Machine | null;
}

type Reader = Pick<Tx, "enrollmentTicket" | "machine">;

function parseList(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

function statusOf(row: TicketRow, now: Date): TicketStatus {
  if (row.usedAt) return "used";
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now ? "expired" : "open";
}

export function ticketFromRow(row: TicketRow, machine: Machine | null, now = new Date()): TicketRecord {
  return {
    id: row.id,
    tokenPrefix: row.tokenPrefix,
    name: row.name,
    description: row.description,
    tags: parseList(row.tags).filter((t): t is string => typeof t === "string"),
    owner: row.owner,
    environment: row.environment,
    // Unknown names (hand-edited rows) grant nothing.
    permissions: parseList(row.permissions).filter(isMachinePermission),
    requireConfirmation: row.requireConfirmation,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    createdBy: { type: row.createdByType as AuditActor["type"], id: row.createdById },
    status: statusOf(row, now),
    usedAt: row.usedAt,
    machine,
  };
}

export interface NewTicketInput extends MachineProfileInput {
  /** Default true: the machine stays pending until an operator confirms its fingerprint. */
  requireConfirmation?: boolean;
  expiresInMinutes?: number;
}

export function validateTicketMinutes(raw: unknown): number {
  const minutes = raw ?? TICKET_MINUTES.default;
  if (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < TICKET_MINUTES.min || minutes > TICKET_MINUTES.max) {
    throw new MachineError("field_invalid", `An enrollment ticket expires in ${TICKET_MINUTES.min} minutes to ${TICKET_MINUTES.max / 60} hours.`);
  }
  return minutes;
}

export async function createEnrollmentTicket(tx: WriteTx, actor: AuditActor, input: NewTicketInput, now = new Date()): Promise<{ ticket: string; record: TicketRecord }> {
  const profile = validateProfile(input);
  const minutes = validateTicketMinutes(input.expiresInMinutes);
  const requireConfirmation = input.requireConfirmation ?? true;
  const ticket = TICKET_PREFIX + issueToken().token;
  const tokenHash = hashToken(ticket);
  const tokenPrefix = ticket.slice(TICKET_PREFIX.length, TICKET_PREFIX.length + TOKEN_PREFIX_LENGTH);
  const row = await tx.enrollmentTicket.create({
    data: {
      tokenHash,
      tokenPrefix,
      name: profile.name,
      description: profile.description,
      tags: JSON.stringify(profile.tags),
      owner: profile.owner,
      environment: profile.environment,
      permissions: JSON.stringify(profile.permissions),
      requireConfirmation,
      expiresAt: new Date(now.getTime() + minutes * 60_000),
      createdAt: now,
      createdByType: actor.type,
      createdById: actor.id,
    },
  });
  const record = ticketFromRow(row, null, now);
  await recordAuditEvent(tx, {
    type: MACHINE_EVENTS.ticketCreated,
    actor,
    summary: `Enrollment ticket ${tokenPrefix}… created for machine "${profile.name}", valid ${minutes} minutes${requireConfirmation ? "" : ", without fingerprint confirmation"}.`,
    evidence: { ticketId: row.id, tokenPrefix, tokenHash, ...profile, requireConfirmation, expiresAt: row.expiresAt.toISOString() },
    time: now,
  });
  return { ticket, record };
}

async function withMachine(db: Reader, row: TicketRow, now: Date): Promise<TicketRecord> {
  const machine = row.machineId ? await db.machine.findUnique({ where: { id: row.machineId } }) : null;
  return ticketFromRow(row, machine ? machineFromRow(machine) : null, now);
}

export async function findEnrollmentTicket(db: Reader, id: string, now = new Date()): Promise<TicketRecord | null> {
  const row = await db.enrollmentTicket.findUnique({ where: { id } });
  return row ? withMachine(db, row, now) : null;
}

export async function listOpenEnrollmentTickets(db: Reader, now = new Date()): Promise<TicketRecord[]> {
  const rows = await db.enrollmentTicket.findMany({
    where: { usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  return rows.map((row) => ticketFromRow(row, null, now));
}

export async function revokeEnrollmentTicket(tx: WriteTx, actor: AuditActor, id: string, now = new Date()): Promise<TicketRecord> {
  const row = await tx.enrollmentTicket.findUnique({ where: { id } });
  if (!row) throw new MachineError("ticket_not_found", "There is no enrollment ticket with that id.");
  const { count } = await tx.enrollmentTicket.updateMany({ where: { id, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
  if (count !== 1) throw new MachineError("machine_state", `This ticket is already ${statusOf(row, now)}; there is nothing to revoke.`);
  await recordAuditEvent(tx, {
    type: MACHINE_EVENTS.ticketRevoked,
    actor,
    summary: `Enrollment ticket ${row.tokenPrefix}… for machine "${row.name}" revoked.`,
    evidence: { ticketId: id, tokenPrefix: row.tokenPrefix },
    time: now,
  });
  return ticketFromRow({ ...row, revokedAt: now }, null, now);
}

const TICKET_REASONS: Record<Exclude<TicketStatus, "open">, string> = {
  used: "This enrollment ticket was already used; ask an operator for a new one.",
  expired: "This enrollment ticket has expired; ask an operator for a new one.",
  revoked: "This enrollment ticket was revoked; ask an operator for a new one.",
};

/**
 * Uses the ticket up for `machineId`. Only one transaction can win the conditional update;
 * the loser learns precisely why (only the holder of a real ticket can learn more than
 * "not valid": a guessed ticket matches no hash).
 */
export async function consumeEnrollmentTicket(tx: WriteTx, ticket: unknown, now: Date): Promise<TicketRecord> {
  const row = isTicketShaped(ticket) ? await tx.enrollmentTicket.findUnique({ where: { tokenHash: hashToken(ticket) } }) : null;
  if (!row) throw new MachineError("ticket_invalid", "This enrollment ticket is not valid; check that the whole ticket was copied (it starts with pteri_et_).");
  const status = statusOf(row, now);
  if (status !== "open") throw new MachineError("ticket_invalid", TICKET_REASONS[status]);
  const { count } = await tx.enrollmentTicket.updateMany({
    where: { id: row.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw new MachineError("ticket_invalid", TICKET_REASONS.used);
  return ticketFromRow({ ...row, usedAt: now }, null, now);
}

/** Records which machine used the ticket (same transaction as consumeEnrollmentTicket). */
export async function linkTicketToMachine(tx: WriteTx, ticketId: string, machineId: string): Promise<void> {
  await tx.enrollmentTicket.update({ where: { id: ticketId }, data: { machineId } });
}

/** The one command an operator copies to the machine. */
export function enrollmentCommand(publicUrl: URL, ticket: string): string {
  return `npx pteri enroll --server ${publicUrl.href.replace(/\/$/, "")} --ticket ${ticket}`;
}
