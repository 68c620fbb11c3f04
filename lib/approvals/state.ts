/**
 * Reading what the rules need (rules.ts) for one intent or a page of them, in a fixed number
 * of queries: the machines, the recorded decisions, and the deciders as they are now.
 */
import type { Db, Tx } from "../db/client";
import type { Approval as ApprovalRow, Intent as IntentRow, Machine as MachineRow } from "../db/generated/client";
import { intentFromRow } from "../intents/model";
import { parseRoles } from "../operators/roles";
import type { Decider, DecisionState } from "./rules";
import type { ApprovalDecision } from "./wire";

type Reader = Db | Tx;

export interface LoadedState extends DecisionState {
  machineRow: MachineRow;
  approvals: ApprovalRow[];
}

/** The operators with these ids, with their teams, as the rules see them. */
export async function loadDeciders(db: Reader, ids: readonly string[]): Promise<Map<string, Decider>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const [operators, memberships] = await Promise.all([
    db.operator.findMany({ where: { id: { in: unique } }, select: { id: true, name: true, status: true, roles: true } }),
    db.teamMembership.findMany({ where: { operatorId: { in: unique } }, select: { operatorId: true, team: { select: { name: true } } } }),
  ]);
  const teams = new Map<string, string[]>();
  for (const m of memberships) teams.set(m.operatorId, [...(teams.get(m.operatorId) ?? []), m.team.name]);
  return new Map(operators.map((o) => [o.id, { id: o.id, name: o.name, status: o.status, roles: parseRoles(o.roles), teams: teams.get(o.id) ?? [] }]));
}

export async function loadDecider(db: Reader, id: string): Promise<Decider | null> {
  return (await loadDeciders(db, [id])).get(id) ?? null;
}

/** The states of these intents, in the same order. */
export async function loadStates(db: Reader, rows: readonly IntentRow[]): Promise<LoadedState[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [machines, approvals] = await Promise.all([
    db.machine.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.machineId))] } } }),
    db.approval.findMany({ where: { intentId: { in: ids } }, orderBy: { createdAt: "asc" } }),
  ]);
  const deciders = await loadDeciders(db, approvals.map((a) => a.operatorId));
  const machineById = new Map(machines.map((m) => [m.id, m]));
  return rows.map((row) => {
    const machine = machineById.get(row.machineId)!;
    const own = approvals.filter((a) => a.intentId === row.id);
    return {
      intent: intentFromRow(row),
      machine: { owner: machine.owner, enrolledByType: machine.enrolledByType, enrolledById: machine.enrolledById },
      machineRow: machine,
      approvals: own,
      decisions: own.map((a) => ({ operatorId: a.operatorId, decision: a.decision as ApprovalDecision, executionWindowSeconds: a.executionWindowSeconds })),
      deciders,
    };
  });
}

export async function loadState(db: Reader, intentId: string): Promise<LoadedState | null> {
  const row = await db.intent.findUnique({ where: { id: intentId } });
  return row ? ((await loadStates(db, [row]))[0] ?? null) : null;
}
