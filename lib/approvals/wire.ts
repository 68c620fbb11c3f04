/**
 * What the Console's approval API and the Approvals page exchange (operator side, session
 * cookie). Portable: the route handlers, the React components and the tests import these
 * types, so the two sides cannot drift.
 *
 *   GET  /api/approvals?status=pending|decided     -> ApprovalQueue
 *   GET  /api/approvals/{intentId}                 -> ApprovalDetail
 *   POST /api/approvals/{intentId}/challenge        ApprovalChallengeRequest -> ApprovalChallenge
 *   POST /api/approvals/{intentId}/decision         ApprovalDecisionRequest  -> ApprovalDecisionResult
 *
 * The decision is signed with the operator's passkey: the challenge is the SHA-256 of the
 * approval statement (RFC 8785), which names the intent's hash and the decision (statement.ts).
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { IntentStatus } from "../intents/wire";

export const APPROVALS_PATH = "/api/approvals";
export const APPROVAL_DECISIONS = ["approve", "reject"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
export const MAX_APPROVAL_REASON = 1000;

/** One operator's recorded decision, as shown. */
export interface ApprovalView {
  id: string;
  operatorId: string;
  operatorName: string;
  decision: ApprovalDecision;
  reason: string;
  executionWindowSeconds: number | null;
  createdAt: string;
  /** The passkey's name and WebAuthn credential id. */
  passkey: { name: string; credentialId: string };
  auditSeq: number;
}

/** One requirement of the obligation and who fills it so far. */
export interface RequirementView {
  approvers: number;
  team: string | null;
  approvedBy: { operatorId: string; operatorName: string }[];
}

/** Whether the viewer may decide, and if not, why (shown instead of the buttons). */
export interface ViewerStanding {
  canDecide: boolean;
  reason: string | null;
  /**
   * Whether an approval from the viewer would count (it must fill a requirement still open,
   * e.g. the right team); a rejection is possible whenever canDecide. Added after the first
   * draft: optional so older readers still type-check; the server always sends both.
   */
  canApprove?: boolean;
  approveReason?: string | null;
}

export interface ApprovalQueueItem {
  intent: {
    id: string;
    hash: string;
    status: IntentStatus;
    action: string;
    resource: string;
    audience: string;
    /** The parameters as submitted; render as text only. */
    params: Record<string, unknown>;
    execute: { method: string; targetUri: string; contentDigest: string | null };
    createdAt: string;
    /** pending: the approval deadline; approved: the end of the execution window. */
    expiresAt: string;
  };
  machine: { id: string; name: string; status: string; tags: string[]; owner: string; environment: string; keyId: string };
  /** The rule(s) that asked for approval. */
  rules: { policyId: string; policyName: string; policyVersion: number; ruleId: string }[];
  obligation: {
    requirements: RequirementView[];
    expiresInSeconds: number;
    executionWindowSeconds: number | null;
    /**
     * The execution window that applies when nobody shortens it, and the longest an approver
     * may choose: the obligation's, or the service default (10 minutes) when it sets none.
     */
    executionWindowLimitSeconds: number;
  };
  approvals: ApprovalView[];
  viewer: ViewerStanding;
}

export interface ApprovalQueue {
  items: ApprovalQueueItem[];
}

export interface ApprovalDetail extends ApprovalQueueItem {
  /** The machine's most recent intents (newest first, at most 10, this one excluded). */
  machineHistory: { id: string; action: string; resource: string; status: IntentStatus; createdAt: string }[];
}

export interface ApprovalChallengeRequest {
  decision: ApprovalDecision;
  reason: string;
  /** Approve only: shorten the execution window to this many seconds. */
  executionWindowSeconds?: number;
}

export interface ApprovalChallenge {
  /** The statement the passkey will sign (its SHA-256 is the challenge), for display. */
  statement: ApprovalStatement;
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface ApprovalDecisionRequest {
  /** The challenge from ApprovalChallenge.options.challenge. */
  challenge: string;
  response: AuthenticationResponseJSON;
}

export interface ApprovalDecisionResult {
  intent: { id: string; status: IntentStatus; expiresAt: string };
  approval: ApprovalView;
}

/**
 * The approval record an operator signs. Its RFC 8785 form's SHA-256 (base64url) is the
 * WebAuthn challenge, so the assertion commits to the intent (by hash), the decision and
 * everything else here; `nonce` makes every challenge unique.
 */
export interface ApprovalStatement {
  format: "pteri.approval/v1";
  /** The Console's public origin (the WebAuthn relying party's origin). */
  origin: string;
  intentId: string;
  /** Hex SHA-256 of the intent's canonical document. */
  intentHash: string;
  decision: ApprovalDecision;
  reason: string;
  executionWindowSeconds: number | null;
  operatorId: string;
  issuedAt: string;
  nonce: string;
}
