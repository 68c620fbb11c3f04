/**
 * The Approvals page's reads: the queue (pending intents, soonest deadline first; or the
 * recently decided), one intent with the machine's recent history, and the count of approvals
 * an intent received (for the machine's own view of it). The viewer's standing comes from the
 * same rule function the decision uses (rules.ts).
 */
import type { Db } from "../db/client";
import { withLazyExpiry } from "../intents/expiry";
import { INTENT_STATUSES, type IntentStatus } from "../intents/wire";
import { machineFromRow } from "../machines/model";
import { ApprovalError } from "./errors";
import { executionWindowLimit, progressOf, viewerStanding } from "./rules";
import { loadDecider, loadState, loadStates, type LoadedState } from "./state";
import { approvalView } from "./views";
import type { ApprovalDetail, ApprovalQueue, ApprovalQueueItem } from "./wire";

export const PENDING_LIMIT = 100;
export const DECIDED_LIMIT = 50;
export const HISTORY_LIMIT = 10;
export const QUEUE_STATUSES = ["pending", "decided"] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

export function parseQueueStatus(value: string | null): QueueStatus {
  if (value === null || value === "") return "pending";
  if ((QUEUE_STATUSES as readonly string[]).includes(value)) return value as QueueStatus;
  throw new ApprovalError("query_invalid", "status is pending or decided.");
}

/** Pending: never one whose deadline passed, even before the scheduled expiry got to it. */
export async function approvalQueue(db: Db, viewerId: string, status: QueueStatus, now = new Date()): Promise<ApprovalQueue> {
  const rows =
    status === "pending"
      ? await db.intent.findMany({ where: { status: "pending", expiresAt: { gt: now }, obligation: { not: null } }, orderBy: [{ expiresAt: "asc" }, { id: "asc" }], take: PENDING_LIMIT })
      : await db.intent.findMany({ where: { status: { in: ["approved", "rejected", "executed"] }, obligation: { not: null } }, orderBy: [{ decidedAt: "desc" }, { id: "asc" }], take: DECIDED_LIMIT });
  return { items: await queueItems(db, viewerId, await loadStates(db, rows), now) };
}

export async function approvalDetail(db: Db, viewerId: string, intentId: string, now = new Date()): Promise<ApprovalDetail> {
  const state = intentId.length > 0 && intentId.length <= 64 ? await loadState(db, intentId) : null;
  if (!state || !state.intent.obligation) throw new ApprovalError("not_found", "There is no intent with that id that needs approval.");
  state.intent = await withLazyExpiry(db, state.intent, now);
  const [item] = await queueItems(db, viewerId, [state], now);
  const history = await db.intent.findMany({
    where: { machineId: state.intent.machineId, id: { not: state.intent.id } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: HISTORY_LIMIT,
    select: { id: true, action: true, resource: true, status: true, createdAt: true },
  });
  return {
    ...item!,
    machineHistory: history.map((h) => ({ id: h.id, action: h.action, resource: h.resource, status: statusOf(h.status), createdAt: h.createdAt.toISOString() })),
  };
}

/** How many operators approved the intent (what the machine is told). */
export async function approvalsReceived(db: Db, intentId: string): Promise<number> {
  return db.approval.count({ where: { intentId, decision: "approve" } });
}

function statusOf(value: string): IntentStatus {
  return (INTENT_STATUSES as readonly string[]).includes(value) ? (value as IntentStatus) : "denied";
}

async function queueItems(db: Db, viewerId: string, states: LoadedState[], now: Date): Promise<ApprovalQueueItem[]> {
  if (states.length === 0) return [];
  const approvals = states.flatMap((s) => s.approvals);
  const policyIds = [...new Set(states.flatMap((s) => s.intent.decision.rules.map((r) => r.policyId)))];
  const [viewer, passkeys, policies] = await Promise.all([
    loadDecider(db, viewerId),
    db.passkey.findMany({ where: { id: { in: [...new Set(approvals.map((a) => a.passkeyId))] } }, select: { id: true, name: true } }),
    db.policy.findMany({ where: { id: { in: policyIds } }, select: { id: true, name: true } }),
  ]);
  const passkeyName = new Map(passkeys.map((p) => [p.id, p.name]));
  const policyName = new Map(policies.map((p) => [p.id, p.name]));
  return states.map((state) => {
    const { intent } = state;
    const obligation = intent.obligation!;
    const machine = machineFromRow(state.machineRow);
    const nameOf = (id: string) => state.deciders.get(id)?.name ?? id;
    const progress = progressOf(state)!;
    return {
      intent: {
        id: intent.id,
        hash: intent.hash,
        status: intent.status,
        action: intent.action,
        resource: intent.resource,
        audience: intent.audience,
        params: intent.document.params,
        execute: intent.document.execute,
        createdAt: intent.createdAt.toISOString(),
        expiresAt: intent.expiresAt.toISOString(),
      },
      machine: { id: machine.id, name: machine.name, status: machine.status, tags: machine.tags, owner: machine.owner, environment: machine.environment, keyId: machine.keyId },
      rules: intent.decision.rules.map((r) => ({ policyId: r.policyId, policyName: policyName.get(r.policyId) ?? r.policyId, policyVersion: r.policyVersion, ruleId: r.ruleId })),
      obligation: {
        requirements: progress.requirements.map((r) => ({ approvers: r.approvers, team: r.team ?? null, approvedBy: r.approvedBy.map((id) => ({ operatorId: id, operatorName: nameOf(id) })) })),
        expiresInSeconds: obligation.expiresInSeconds,
        executionWindowSeconds: obligation.executionWindowSeconds ?? null,
        executionWindowLimitSeconds: executionWindowLimit(obligation),
      },
      approvals: state.approvals.map((a) => approvalView(a, nameOf(a.operatorId), passkeyName.get(a.passkeyId) ?? "")),
      viewer: viewer ? viewerStanding(state, viewer, now) : { canDecide: false, reason: "Your operator account no longer exists.", canApprove: false, approveReason: null },
    };
  });
}
