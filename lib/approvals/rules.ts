/**
 * Who may decide on a pending intent, and whether the approvals so far meet its obligation.
 * One function, decisionStanding, answers "may this operator approve (or reject) now?": the
 * challenge endpoint asks it before the passkey prompt, the decision asks it again inside its
 * write transaction, and the Approvals page shows its answer (viewer.canDecide / reason).
 */
import { DEFAULT_EXECUTION_VALIDITY_SECONDS, isPastExpiry, type IntentRecord } from "../intents/model";
import { hasPermission } from "../operators/permissions";
import type { Role } from "../operators/roles";
import { approvalProgress, type ApprovalObligation, type ApprovalProgress, type ApprovalVote } from "../policies";
import type { ApprovalErrorCode } from "./errors";
import type { ApprovalDecision, ViewerStanding } from "./wire";

/** An operator as the rules see them, read from the database (not from the session). */
export interface Decider {
  id: string;
  name: string;
  status: string;
  roles: Role[];
  /** Names of the teams they belong to. */
  teams: string[];
}

export interface MachineOwnership {
  owner: string;
  enrolledByType: string;
  enrolledById: string;
}

export interface RecordedDecision {
  operatorId: string;
  decision: ApprovalDecision;
  executionWindowSeconds: number | null;
}

/** An intent with everything the rules look at. */
export interface DecisionState {
  intent: IntentRecord;
  machine: MachineOwnership;
  decisions: RecordedDecision[];
  /** The deciders of `decisions`, as they are now (role, status and teams may have changed). */
  deciders: Map<string, Decider>;
}

export type Standing = { allowed: true } | { allowed: false; code: ApprovalErrorCode; reason: string };

/**
 * Whether the operator owns the machine: they enrolled it, or its owner field names them (by
 * id, or by name, case-insensitively).
 */
export function ownsMachine(machine: MachineOwnership, operator: Pick<Decider, "id" | "name">): boolean {
  if (machine.enrolledByType === "operator" && machine.enrolledById === operator.id) return true;
  const owner = machine.owner.trim();
  return owner !== "" && (owner === operator.id || owner.toLowerCase() === operator.name.trim().toLowerCase());
}

function isActiveApprover(decider: Decider | undefined): decider is Decider {
  return decider !== undefined && decider.status === "active" && hasPermission(decider.roles, "intents.decide");
}

/**
 * The approvals that count: from operators who are still active approvers and who may decide
 * on this machine's intents. Someone who lost the role since no longer counts.
 */
export function countedVotes(state: DecisionState): ApprovalVote[] {
  const allowOwner = state.intent.obligation?.allowOwnerApproval === true;
  return state.decisions.flatMap((d) => {
    const who = state.deciders.get(d.operatorId);
    if (d.decision !== "approve" || !isActiveApprover(who)) return [];
    if (!allowOwner && ownsMachine(state.machine, who)) return [];
    return [{ operatorId: who.id, teams: who.teams }];
  });
}

export function progressOf(state: DecisionState): ApprovalProgress | null {
  return state.intent.obligation ? approvalProgress(state.intent.obligation, countedVotes(state)) : null;
}

const filled = (p: ApprovalProgress) => p.requirements.reduce((n, r) => n + r.approvedBy.length, 0);

/** "1 approver from team security and 2 approvers from anyone" */
function describeMissing(progress: ApprovalProgress): { text: string; teams: string[] } {
  const missing = progress.requirements.filter((r) => r.approvedBy.length < r.approvers);
  const parts = missing.map((r) => {
    const n = r.approvers - r.approvedBy.length;
    return `${n} approver${n === 1 ? "" : "s"} ${r.team === undefined ? "from anyone" : `from team ${r.team}`}`;
  });
  return { text: parts.join(" and "), teams: missing.flatMap((r) => (r.team === undefined ? [] : [r.team])) };
}

/**
 * May `operator` record `decision` on the intent at `now`? Checked in this order: account,
 * role, the intent's state and deadline, one decision per operator, the machine's owner, and
 * for an approval, that it fills a requirement the obligation still needs.
 */
export function decisionStanding(state: DecisionState, operator: Decider, decision: ApprovalDecision, now: Date): Standing {
  const { intent } = state;
  if (operator.status !== "active") return no("not_eligible", "Your operator account is disabled.");
  if (!hasPermission(operator.roles, "intents.decide")) return no("not_eligible", "Deciding on intents needs the approver role.");
  if (intent.status !== "pending" || !intent.obligation) return no("not_pending", `This intent is ${intent.status}; it no longer awaits approval.`);
  if (isPastExpiry(intent, now)) return no("not_pending", `This intent's approval deadline (${intent.expiresAt.toISOString()}) has passed.`);
  const mine = state.decisions.find((d) => d.operatorId === operator.id);
  if (mine) return no("already_decided", `You already ${mine.decision === "approve" ? "approved" : "rejected"} this intent; each operator decides once.`);
  if (!intent.obligation.allowOwnerApproval && ownsMachine(state.machine, operator)) {
    return no("not_eligible", "You own this intent's machine, and its rule does not let owners decide on their own machines' intents.");
  }
  if (decision === "approve") {
    const before = approvalProgress(intent.obligation, countedVotes(state));
    const after = approvalProgress(intent.obligation, [...countedVotes(state), { operatorId: operator.id, teams: operator.teams }]);
    if (!before.satisfied && filled(after) === filled(before)) {
      const missing = describeMissing(before);
      const notIn = missing.teams.length === 1 ? "you are not in it" : "you are in none of these teams";
      return no("not_eligible", `This intent still needs ${missing.text}; ${notIn}.`);
    }
  }
  return { allowed: true };
}

function no(code: ApprovalErrorCode, reason: string): Standing {
  return { allowed: false, code, reason };
}

/** What the Approvals page shows the viewer: a rejection is possible whenever a decision is, an approval maybe not. */
export function viewerStanding(state: DecisionState, viewer: Decider, now: Date): ViewerStanding {
  const reject = decisionStanding(state, viewer, "reject", now);
  const approve = decisionStanding(state, viewer, "approve", now);
  return {
    canDecide: reject.allowed,
    reason: reject.allowed ? null : reject.reason,
    canApprove: approve.allowed,
    approveReason: approve.allowed ? null : approve.reason,
  };
}

/** The longest execution window an approver may choose: the obligation's, or the default. */
export function executionWindowLimit(obligation: ApprovalObligation): number {
  return obligation.executionWindowSeconds ?? DEFAULT_EXECUTION_VALIDITY_SECONDS;
}

/** The execution window once approved: the obligation's, shortened by any counted approver who chose less. */
export function executionWindowOf(state: DecisionState): number {
  const limit = executionWindowLimit(state.intent.obligation!);
  const counted = new Set(countedVotes(state).map((v) => v.operatorId));
  const chosen = state.decisions.flatMap((d) => (counted.has(d.operatorId) && d.executionWindowSeconds !== null ? [d.executionWindowSeconds] : []));
  return Math.min(limit, ...chosen);
}
