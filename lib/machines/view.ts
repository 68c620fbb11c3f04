/**
 * Machines and tickets as the Console's JSON API shows them: dates as ISO strings, and the
 * actors who enrolled a machine or created a ticket named when they are operators. The
 * browser code (components/machines) types these shapes from here.
 */
import type { AuditActor } from "../audit/entry";
import type { Db, Tx } from "../db/client";
import { fingerprint } from "../protocol/keys";
import type { ActivityItem } from "./inventory";
import type { Machine } from "./model";
import type { TicketRecord } from "./tickets";

export type ActorView = AuditActor & { name: string | null };

export interface MachineView extends Omit<Machine, "createdAt" | "activatedAt" | "lastSeenAt" | "enrolledBy"> {
  enrolledBy: ActorView;
  createdAt: string;
  activatedAt: string | null;
  lastSeenAt: string | null;
}

export interface TicketView extends Omit<TicketRecord, "expiresAt" | "createdAt" | "usedAt" | "createdBy" | "machine"> {
  expiresAt: string;
  createdAt: string;
  usedAt: string | null;
  createdBy: ActorView;
  machine: MachineView | null;
}

export interface RetiredKeyView {
  keyId: string;
  fingerprint: string;
  retiredAt: string;
  reason: string;
}

export type ActivityView = Omit<ActivityItem, "time"> & { time: string };

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Operator names for the actors that are operators, in one query. */
export async function actorNames(db: Pick<Db | Tx, "operator">, actors: readonly AuditActor[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a) => a.type === "operator").map((a) => a.id))];
  if (ids.length === 0) return new Map();
  const rows = await db.operator.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

function actorView(actor: AuditActor, names: ReadonlyMap<string, string>): ActorView {
  return { ...actor, name: actor.type === "operator" ? (names.get(actor.id) ?? null) : null };
}

export function machineView(machine: Machine, names: ReadonlyMap<string, string> = new Map()): MachineView {
  return {
    ...machine,
    enrolledBy: actorView(machine.enrolledBy, names),
    createdAt: machine.createdAt.toISOString(),
    activatedAt: iso(machine.activatedAt),
    lastSeenAt: iso(machine.lastSeenAt),
  };
}

export function ticketView(ticket: TicketRecord, names: ReadonlyMap<string, string> = new Map()): TicketView {
  return {
    ...ticket,
    expiresAt: ticket.expiresAt.toISOString(),
    createdAt: ticket.createdAt.toISOString(),
    usedAt: iso(ticket.usedAt),
    createdBy: actorView(ticket.createdBy, names),
    machine: ticket.machine ? machineView(ticket.machine, names) : null,
  };
}

export function retiredKeyView(key: { keyId: string; retiredAt: Date; reason: string }): RetiredKeyView {
  return { keyId: key.keyId, fingerprint: fingerprint(key.keyId), retiredAt: key.retiredAt.toISOString(), reason: key.reason };
}

export function activityView(item: ActivityItem): ActivityView {
  return { ...item, time: item.time.toISOString() };
}
