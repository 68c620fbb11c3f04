/**
 * Approval obligations: merging the ones of several allow rules, and deciding whether a set
 * of approvals fulfils one.
 *
 * When several allow rules match, every one of them must be honoured, so the merge keeps the
 * strictest of each part: per team the most approvers, every team that any rule names, the
 * shortest expiry and the shortest execution window; the machine's owner may decide only when
 * every rule allows it.
 *
 * Requirements are slots filled by distinct people: "1 from security AND 1 from finance" needs
 * two operators even if one of them belongs to both teams, and "2 from anyone AND 1 from
 * security" needs three. That keeps a two-person rule a two-person rule, and anything weaker
 * stays expressible (ask for 1 from anyone AND 1 from security to get "two people, one of them
 * from security"). approvalProgress finds an assignment with a bipartite matching, so the
 * order in which approvals arrive never matters.
 */
import type { PolicyApproval } from "./schema";

export interface ApprovalRequirement {
  approvers: number;
  /** Only operators of this team (by name) count; absent: any operator holding approver. */
  team?: string;
}

export interface ApprovalObligation {
  /** All must be met, each by its own distinct operators. Team-less first, then by team name. */
  requirements: ApprovalRequirement[];
  /** The intent expires this long after it was submitted unless fully approved. */
  expiresInSeconds: number;
  /** How long after the last approval the intent may be executed; absent: the service's default. */
  executionWindowSeconds?: number;
  /**
   * Whether the machine's owner may decide too. Present (true) only when every merged rule
   * allows it; absent reads as false, as in obligations stored before it existed.
   */
  allowOwnerApproval?: boolean;
}

/** The strictest combination of the obligations; undefined when there are none. */
export function mergeApprovals(obligations: readonly PolicyApproval[]): ApprovalObligation | undefined {
  if (obligations.length === 0) return undefined;
  const byTeam = new Map<string, number>();
  let expires = Infinity;
  let execution = Infinity;
  for (const o of obligations) {
    for (const r of o.requirements) byTeam.set(r.team ?? "", Math.max(byTeam.get(r.team ?? "") ?? 0, r.approvers));
    expires = Math.min(expires, o.expiresInSeconds);
    if (o.executionWindowSeconds !== undefined) execution = Math.min(execution, o.executionWindowSeconds);
  }
  const teams = [...byTeam.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const requirements = teams.map((team) => (team === "" ? { approvers: byTeam.get(team)! } : { approvers: byTeam.get(team)!, team }));
  const merged: ApprovalObligation = { requirements, expiresInSeconds: expires };
  if (execution !== Infinity) merged.executionWindowSeconds = execution;
  if (obligations.every((o) => o.allowOwnerApproval === true)) merged.allowOwnerApproval = true;
  return merged;
}

/**
 * One operator's approval. The caller passes only approvals that count: from operators who
 * hold the approver role now, are active, and may decide on this machine's intents.
 */
export interface ApprovalVote {
  operatorId: string;
  /** Names of the teams the operator belongs to. */
  teams: readonly string[];
}

export interface ApprovalProgress {
  satisfied: boolean;
  /** Per requirement, in the obligation's order: the operators assigned to it so far. */
  requirements: { approvers: number; team?: string; approvedBy: string[] }[];
}

/** Assigns distinct approvers to requirement slots (Kuhn's augmenting paths); votes are deduplicated by operator. */
export function approvalProgress(obligation: ApprovalObligation, votes: readonly ApprovalVote[]): ApprovalProgress {
  const voters = [...new Map(votes.map((v) => [v.operatorId, v])).values()];
  const slots = obligation.requirements.flatMap((r, i) => Array.from({ length: r.approvers }, () => i));
  const owner: (number | undefined)[] = slots.map(() => undefined); // slot -> voter index
  const fits = (voter: ApprovalVote, slot: number) => {
    const team = obligation.requirements[slots[slot]!]!.team;
    return team === undefined || voter.teams.includes(team);
  };
  const place = (v: number, seen: boolean[]): boolean => {
    for (let s = 0; s < slots.length; s++) {
      if (seen[s] || !fits(voters[v]!, s)) continue;
      seen[s] = true;
      if (owner[s] === undefined || place(owner[s]!, seen)) {
        owner[s] = v;
        return true;
      }
    }
    return false;
  };
  voters.forEach((_, v) => place(v, slots.map(() => false)));
  const requirements = obligation.requirements.map((r) => ({ ...r, approvedBy: [] as string[] }));
  owner.forEach((v, s) => {
    if (v !== undefined) requirements[slots[s]!]!.approvedBy.push(voters[v]!.operatorId);
  });
  return { satisfied: owner.every((v) => v !== undefined), requirements };
}
