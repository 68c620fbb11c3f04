/**
 * Teams: named groups of operators. Policies will be able to require approvals from a team
 * ("two approvals from payments-oncall"); here they are created, filled and deleted.
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent } from "../audit/log";
import type { Db, Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { OPERATOR_EVENTS } from "./audit-events";
import { OperatorError } from "./errors";

export interface TeamRecord {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  members: { id: string; name: string }[];
}

export async function listTeams(db: Db | Tx): Promise<TeamRecord[]> {
  const rows = await db.team.findMany({ include: { memberships: { include: { operator: { select: { id: true, name: true } } } } }, orderBy: { name: "asc" } });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    createdAt: t.createdAt,
    members: t.memberships.map((m) => m.operator).sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

export async function createTeam(tx: WriteTx, actor: AuditActor, input: { name: string; description: string }, now = new Date()): Promise<string> {
  if (await tx.team.findUnique({ where: { name: input.name } })) throw new OperatorError("conflict", `A team named "${input.name}" already exists.`);
  const team = await tx.team.create({ data: { name: input.name, description: input.description, createdAt: now } });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.teamCreated,
    actor,
    summary: `Team "${input.name}" created.`,
    evidence: { teamId: team.id, name: input.name, description: input.description },
    time: now,
  });
  return team.id;
}

async function loadTeam(tx: WriteTx, id: string) {
  const team = await tx.team.findUnique({ where: { id } });
  if (!team) throw new OperatorError("not_found", "There is no team with that id.");
  return team;
}

export async function deleteTeam(tx: WriteTx, actor: AuditActor, id: string, now = new Date()): Promise<void> {
  const team = await loadTeam(tx, id);
  const members = await tx.teamMembership.findMany({ where: { teamId: id }, select: { operatorId: true } });
  await tx.teamMembership.deleteMany({ where: { teamId: id } });
  await tx.team.delete({ where: { id } });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.teamDeleted,
    actor,
    summary: `Team "${team.name}" deleted.`,
    evidence: { teamId: id, name: team.name, members: members.map((m) => m.operatorId) },
    time: now,
  });
}

export async function addTeamMember(tx: WriteTx, actor: AuditActor, teamId: string, operatorId: string, now = new Date()): Promise<void> {
  const team = await loadTeam(tx, teamId);
  const operator = await tx.operator.findUnique({ where: { id: operatorId } });
  if (!operator) throw new OperatorError("not_found", "There is no operator with that id.");
  if (await tx.teamMembership.findUnique({ where: { teamId_operatorId: { teamId, operatorId } } })) return;
  await tx.teamMembership.create({ data: { teamId, operatorId, createdAt: now } });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.teamMemberAdded,
    actor,
    subjects: { operator: operatorId },
    summary: `${operator.name} added to team "${team.name}".`,
    evidence: { teamId, team: team.name },
    time: now,
  });
}

export async function removeTeamMember(tx: WriteTx, actor: AuditActor, teamId: string, operatorId: string, now = new Date()): Promise<void> {
  const team = await loadTeam(tx, teamId);
  const { count } = await tx.teamMembership.deleteMany({ where: { teamId, operatorId } });
  if (count === 0) throw new OperatorError("not_found", "That operator is not a member of the team.");
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.teamMemberRemoved,
    actor,
    subjects: { operator: operatorId },
    summary: `An operator was removed from team "${team.name}".`,
    evidence: { teamId, team: team.name },
    time: now,
  });
}
