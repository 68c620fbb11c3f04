/**
 * Audit entry types of approvals (docs/approvals.md). An operator's decision is one entry
 * with the signed evidence; when it changes the intent's status, a second entry records that.
 */
export const APPROVAL_EVENTS = {
  /** An operator approved (statement, passkey assertion, public key, progress). */
  approved: "approval.approved",
  /** An operator rejected (same evidence). */
  rejected: "approval.rejected",
  /** The obligation is met: the intent may be executed within its execution window. */
  intentApproved: "intent.approved",
  /** A rejection ended the intent. */
  intentRejected: "intent.rejected",
} as const;

/** The entries that carry a passkey assertion to re-verify offline. */
export const SIGNED_DECISION_EVENTS: readonly string[] = [APPROVAL_EVENTS.approved, APPROVAL_EVENTS.rejected];
