/** Rows to the approval API's views (wire.ts). */
import type { Approval as ApprovalRow } from "../db/generated/client";
import type { ApprovalDecision, ApprovalView } from "./wire";

export function approvalView(row: ApprovalRow, operatorName: string, passkeyName: string): ApprovalView {
  return {
    id: row.id,
    operatorId: row.operatorId,
    operatorName,
    decision: row.decision as ApprovalDecision,
    reason: row.reason,
    executionWindowSeconds: row.executionWindowSeconds,
    createdAt: row.createdAt.toISOString(),
    passkey: { name: passkeyName, credentialId: row.credentialId },
    auditSeq: row.auditSeq,
  };
}
