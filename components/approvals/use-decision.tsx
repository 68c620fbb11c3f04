"use client";

import { useEffect, useRef, useState } from "react";
import { DecisionDialog } from "./decision-dialog";
import { useRefreshApprovals, type ApprovalQueueItem } from "./queries";
import type { ApprovalDecision, ApprovalDecisionResult } from "@/lib/approvals/wire";

function outcome(item: ApprovalQueueItem, decision: ApprovalDecision, result: ApprovalDecisionResult): string {
  const what = `${item.intent.action} on ${item.intent.resource}`;
  if (decision === "reject") return `You rejected ${what}. The intent is rejected and cannot be executed.`;
  if (result.intent.status === "approved") return `You approved ${what}. All required approvals are in: the machine may execute it now.`;
  return `You approved ${what}. Your approval is recorded; more approvals are needed.`;
}

/**
 * The approve/reject flow shared by the queue and the detail page: which intent's dialog is
 * open, and what to say (and where focus goes) once the passkey has signed. The dialog stays
 * mounted after closing so the browser can return focus to the button that opened it.
 */
export function useDecisionFlow(announce: (message: string) => void) {
  const [item, setItem] = useState<ApprovalQueueItem | null>(null);
  const [decision, setDecision] = useState<ApprovalDecision | null>(null);
  const refresh = useRefreshApprovals();

  const open = (next: ApprovalQueueItem, choice: ApprovalDecision) => {
    setItem(next);
    setDecision(choice);
  };

  const dialog = item ? (
    <DecisionDialog
      item={item}
      decision={decision}
      onClose={() => setDecision(null)}
      onRefused={refresh}
      onDecided={(result, choice) => {
        setDecision(null);
        announce(outcome(item, choice, result));
        refresh();
      }}
    />
  ) : null;

  return { open, dialog };
}

/** A polite live region that can also take focus (after a decision, the buttons may be gone). */
export function useAnnouncer() {
  const [announcement, setAnnouncement] = useState({ text: "", focus: false, seq: 0 });
  const region = useRef<HTMLDivElement>(null);
  const announce = (text: string, focus = true) => setAnnouncement((old) => ({ text, focus, seq: old.seq + 1 }));
  // An effect of the page, so it runs after the dialog's own (children's effects come first):
  // by then the dialog has closed and the browser has returned focus to the opener, which the
  // refreshed card may be about to remove. Focus goes to the outcome instead.
  useEffect(() => {
    if (announcement.focus) region.current?.focus();
  }, [announcement]);
  const message = announcement.text;
  const node = (
    <div ref={region} tabIndex={-1} role="status" aria-live="polite" className={message ? "mb-4 outline-none" : "sr-only"}>
      {message ? (
        <p className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">{message}</p>
      ) : null}
    </div>
  );
  return { announce, node, message };
}
