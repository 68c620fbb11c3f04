/**
 * Loading what the Console's machine pages and API show, with operator names resolved in
 * one query per response. Shared by route handlers and server components.
 */
import type { Db } from "../db/client";
import { machineActivity, retiredKeysOf } from "./inventory";
import type { Machine } from "./model";
import { requireMachine } from "./repository";
import type { TicketRecord } from "./tickets";
import { activityView, actorNames, machineView, retiredKeyView, ticketView } from "./view";

export async function machineViews(db: Db, machines: readonly Machine[]) {
  const names = await actorNames(db, machines.map((m) => m.enrolledBy));
  return machines.map((m) => machineView(m, names));
}

export async function ticketViews(db: Db, tickets: readonly TicketRecord[]) {
  const names = await actorNames(db, tickets.flatMap((t) => [t.createdBy, ...(t.machine ? [t.machine.enrolledBy] : [])]));
  return tickets.map((t) => ticketView(t, names));
}

export async function machineDetail(db: Db, id: string) {
  const machine = await requireMachine(db, id);
  const retired = await retiredKeysOf(db, id);
  const activity = await machineActivity(db, machine, retired.map((k) => k.keyId));
  const [view] = await machineViews(db, [machine]);
  return { machine: view!, retiredKeys: retired.map(retiredKeyView), activity: activity.map(activityView) };
}
