/**
 * Administrators' changes to operators: roles and status. Each runs in the caller's write
 * transaction with its audit entry. Removing a role or disabling an operator bumps their
 * session version, which ends every session they have at once (lib/operators/sessions.ts).
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent } from "../audit/log";
import type { WriteTx } from "../db/transaction";
import { OPERATOR_EVENTS } from "./audit-events";
import { OperatorError } from "./errors";
import { assertAnotherActiveAdmin } from "./last-admin";
import { normalizeRoles, parseRoles, serializeRoles, type Role } from "./roles";

async function loadOperator(tx: WriteTx, id: string) {
  const row = await tx.operator.findUnique({ where: { id } });
  if (!row) throw new OperatorError("not_found", "There is no operator with that id.");
  return row;
}

export async function setOperatorRoles(tx: WriteTx, actor: AuditActor, operatorId: string, roles: Role[], now = new Date()): Promise<void> {
  const next = normalizeRoles(roles);
  if (next.length === 0) throw new OperatorError("invalid_request", "An operator needs at least one role; disable them instead.");
  const row = await loadOperator(tx, operatorId);
  const before = parseRoles(row.roles);
  const removed = before.filter((r) => !next.includes(r));
  const added = next.filter((r) => !before.includes(r));
  if (removed.length === 0 && added.length === 0) return;
  if (removed.includes("admin") && row.status === "active") await assertAnotherActiveAdmin(tx, operatorId, "it cannot lose the admin role");
  await tx.operator.update({
    where: { id: operatorId },
    // Losing a role ends the operator's sessions; gaining one does not need to.
    data: { roles: serializeRoles(next), ...(removed.length > 0 ? { sessionVersion: { increment: 1 } } : {}) },
  });
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.rolesChanged,
    actor,
    subjects: { operator: operatorId },
    summary: `Roles of ${row.name} changed from ${before.join(", ") || "none"} to ${next.join(", ")}.`,
    evidence: { before, after: next, added, removed },
    time: now,
  });
}

export async function setOperatorStatus(tx: WriteTx, actor: AuditActor, operatorId: string, status: "active" | "disabled", now = new Date()): Promise<void> {
  const row = await loadOperator(tx, operatorId);
  if (row.status === status) return;
  if (status === "disabled") {
    if (parseRoles(row.roles).includes("admin")) await assertAnotherActiveAdmin(tx, operatorId, "it cannot be disabled");
    await tx.operator.update({ where: { id: operatorId }, data: { status, sessionVersion: { increment: 1 } } });
    await tx.operatorSession.updateMany({ where: { operatorId, revokedAt: null }, data: { revokedAt: now } });
  } else {
    await tx.operator.update({ where: { id: operatorId }, data: { status } });
  }
  await recordAuditEvent(tx, {
    type: status === "disabled" ? OPERATOR_EVENTS.disabled : OPERATOR_EVENTS.enabled,
    actor,
    subjects: { operator: operatorId },
    summary: `${row.name} ${status === "disabled" ? "disabled; their sessions ended" : "enabled"}.`,
    evidence: { before: row.status, after: status },
    time: now,
  });
}
