"use client";

/**
 * Data for the Approvals pages: the approval API's wire shapes (lib/approvals/wire.ts), their
 * query keys, and the polling that keeps the queue live. Decisions go through the passkey
 * ceremony in components/auth/passkey-client.ts; afterwards everything here is refreshed.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch } from "../api/fetch-json";

// Types, and the path constant (wire.ts is portable: nothing server-side is bundled).
import { APPROVALS_PATH, type ApprovalDetail, type ApprovalQueue, type ApprovalQueueItem } from "@/lib/approvals/wire";

export type { ApprovalDetail, ApprovalQueueItem };
export type QueueTab = "pending" | "decided";

/** Often enough that a new intent shows up while the approver watches, cheap enough to leave open. */
export const QUEUE_POLL_MS = 2000;

export const approvalKeys = {
  all: ["approvals"] as const,
  queue: (status: QueueTab) => ["approvals", "queue", status] as const,
  detail: (intentId: string) => ["approvals", "detail", intentId] as const,
};

export const approvalPath = (intentId: string, action?: "challenge" | "decision") =>
  `${APPROVALS_PATH}/${encodeURIComponent(intentId)}${action ? `/${action}` : ""}`;

/** The queue, refetched every two seconds while the page is visible (not in a background tab). */
export const useApprovalQueue = (status: QueueTab, enabled = true) =>
  useQuery({
    queryKey: approvalKeys.queue(status),
    queryFn: () => apiFetch<ApprovalQueue>(`${APPROVALS_PATH}?status=${status}`).then((r) => r.items),
    enabled,
    refetchInterval: QUEUE_POLL_MS,
    staleTime: 0,
  });

export const useApprovalDetail = (intentId: string) =>
  useQuery({
    queryKey: approvalKeys.detail(intentId),
    queryFn: () => apiFetch<ApprovalDetail>(approvalPath(intentId)),
    refetchInterval: QUEUE_POLL_MS,
    staleTime: 0,
    // A 404 is an answer, not a hiccup.
    retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status === 404),
  });

/** Refreshes every approval view (queue tabs and details): after a decision, or a refused one. */
export function useRefreshApprovals(): () => void {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: approvalKeys.all });
}
