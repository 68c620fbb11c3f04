/**
 * Approvals: operators' passkey-signed decisions on pending intents (docs/approvals.md).
 * wire.ts and statement.ts are portable (the Console's pages, the CLI); the rest is the server.
 */
export * from "./wire";
export { buildStatement, statementChallenge, statementText, verifyApprovalAssertion, APPROVAL_STATEMENT_FORMAT, type ApprovalCheck, type AssertionEvidence, type PasskeyKey, type VerifyApprovalInput } from "./statement";
export { ApprovalError, APPROVAL_ERROR_CODES, type ApprovalErrorCode } from "./errors";
export { APPROVAL_EVENTS, SIGNED_DECISION_EVENTS } from "./events";
export { startDecision, completeDecision } from "./decide";
export { approvalQueue, approvalDetail, approvalsReceived, parseQueueStatus } from "./read";
