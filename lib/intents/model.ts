/**
 * Intents as stored: the row, the decision kept with it, and the answer the machine gets.
 */
import type { Intent as IntentRow } from "../db/generated/client";
import type { ApprovalObligation, Decision, RateCounts, RuleMatch } from "../policies";
import { INTENT_STATUSES, type IntentAnswer, type IntentDocument, type IntentStatus } from "./wire";

/**
 * How long an intent the policy allowed outright may be executed: from its decision, in
 * seconds. The one place this is set (an approved intent's window comes from its obligation).
 */
export const DEFAULT_EXECUTION_VALIDITY_SECONDS = 10 * 60;

/** Statuses that end when expiresAt passes. */
export const EXPIRING_STATUSES = ["pending", "allowed", "approved"] as const satisfies readonly IntentStatus[];

export interface StoredRule {
  policyId: string;
  policyVersion: number;
  ruleId: string;
  effect: "allow" | "deny";
  /** Set when a deny rule applied only because this check could not be decided (its kind). */
  undecided?: string;
}

/**
 * The engine's Decision as kept with the intent: without the per-rule explanations, with the
 * inputs that are not in the document (the machine's tags, the rate counts), so a replay
 * (impact preview) decides with exactly what this decision saw.
 */
export interface StoredDecision {
  decision: Decision["decision"];
  reason: Decision["reason"];
  message: string;
  /** Every policy consulted: id, version, digest (names exactly which rules were in force). */
  policies: { id: string; version: number; digest: string; applies: boolean }[];
  /** The rules that decided (Decision.decidedBy). */
  rules: StoredRule[];
  /** For rate_limited: the allow rule whose limit was used up. */
  limitedBy?: StoredRule;
  input: { tags: string[]; rateCounts: RateCounts; sourceAddress: null };
}

function storedRule(rule: RuleMatch | (RuleMatch & { failed?: unknown })): StoredRule {
  const out: StoredRule = { policyId: rule.policyId, policyVersion: rule.policyVersion, ruleId: rule.ruleId, effect: rule.effect };
  if (rule.undecided) out.undecided = rule.undecided.kind;
  return out;
}

export function storeDecision(decision: Decision, input: { tags: readonly string[]; rateCounts: RateCounts }, limitedBy?: RuleMatch): StoredDecision {
  const stored: StoredDecision = {
    decision: decision.decision,
    reason: decision.reason,
    message: decision.message,
    policies: decision.policies.map((p) => ({ id: p.id, version: p.version, digest: p.digest, applies: p.applies })),
    rules: decision.decidedBy.map(storedRule),
    input: { tags: [...input.tags], rateCounts: input.rateCounts, sourceAddress: null },
  };
  if (limitedBy) stored.limitedBy = storedRule(limitedBy);
  return stored;
}

export interface IntentRecord {
  id: string;
  machineId: string;
  keyId: string;
  hash: string;
  document: IntentDocument;
  /** The canonical JSON text, as stored and hashed. */
  canonical: string;
  action: string;
  resource: string;
  audience: string;
  status: IntentStatus;
  decision: StoredDecision;
  obligation: ApprovalObligation | null;
  expiresAt: Date;
  executionWindowSeconds: number | null;
  createdAt: Date;
  decidedAt: Date;
  executedAt: Date | null;
  /** The resource service (machine id) whose verification executed it. */
  executedBy: string | null;
  /** Audit seq of its `intent.executed` entry. */
  executionSeq: number | null;
  submissionSeq: number;
}

function parseStatus(value: string): IntentStatus {
  // A value outside the closed set (a hand-edited row) must never read as allowed.
  return (INTENT_STATUSES as readonly string[]).includes(value) ? (value as IntentStatus) : "denied";
}

export function intentFromRow(row: IntentRow): IntentRecord {
  return {
    id: row.id,
    machineId: row.machineId,
    keyId: row.keyId,
    hash: row.hash,
    document: JSON.parse(row.document) as IntentDocument,
    canonical: row.document,
    action: row.action,
    resource: row.resource,
    audience: row.audience,
    status: parseStatus(row.status),
    decision: JSON.parse(row.decision) as StoredDecision,
    obligation: row.obligation === null ? null : (JSON.parse(row.obligation) as ApprovalObligation),
    expiresAt: row.expiresAt,
    executionWindowSeconds: row.executionWindowSeconds,
    createdAt: row.createdAt,
    decidedAt: row.decidedAt,
    executedAt: row.executedAt,
    executedBy: row.executedBy,
    executionSeq: row.executionSeq,
    submissionSeq: row.submissionSeq,
  };
}

/** Whether the intent's time is up at `now` (valid while now < expiresAt). */
export function isPastExpiry(intent: { status: string; expiresAt: Date }, now: Date): boolean {
  return (EXPIRING_STATUSES as readonly string[]).includes(intent.status) && intent.expiresAt.getTime() <= now.getTime();
}

/**
 * What POST and GET /api/v1/intents… answer. `approvalsReceived`: how many operators approved
 * it so far (lib/approvals/read.ts approvalsReceived), for an intent that needs approval.
 */
export function intentAnswer(intent: IntentRecord, approvalsReceived = 0): IntentAnswer {
  const d = intent.decision;
  const answer: IntentAnswer = {
    id: intent.id,
    hash: intent.hash,
    status: intent.status,
    decision: { decision: d.decision, reason: d.reason, message: d.message, rules: d.rules.map((r) => ({ policyId: r.policyId, policyVersion: r.policyVersion, ruleId: r.ruleId })) },
    // A denied intent can never be executed: no deadline to show.
    expiresAt: intent.status === "denied" ? null : intent.expiresAt.toISOString(),
    createdAt: intent.createdAt.toISOString(),
  };
  if (intent.obligation) answer.approvals = { required: intent.obligation.requirements.reduce((n, r) => n + r.approvers, 0), received: approvalsReceived };
  return answer;
}
