"use client";

import { useEffect, useRef, useState } from "react";
import { ErrorMessage, Loading } from "../ui/alert";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { useNow } from "../machines/use-now";
import { Tabs } from "../policies/tabs";
import { ApprovalCard } from "./approval-card";
import { useApprovalQueue, type ApprovalQueueItem, type QueueTab } from "./queries";
import { useAnnouncer, useDecisionFlow } from "./use-decision";
import type { ApprovalDecision } from "@/lib/approvals/wire";

const EMPTY: Record<QueueTab, { title: string; body: string }> = {
  pending: {
    title: "Nothing waiting for approval",
    body: "Intents that a published policy holds for approval appear here as soon as a machine submits them, with the machine, the action, its parameters and the rule that asked. The queue is empty when no submitted intent needs approval right now: none matched a rule with an approval requirement, or all of them were decided or expired (see Decided).",
  },
  decided: {
    title: "No decisions yet",
    body: "Intents that were approved, rejected or expired while waiting appear here with who decided, when and why.",
  },
};

/** Says (to screen readers, politely) which intents joined the pending queue since the last poll. */
function useArrivals(items: ApprovalQueueItem[] | undefined): string {
  const seen = useRef<Set<string> | null>(null);
  const [message, setMessage] = useState("");
  useEffect(() => {
    if (!items) return;
    const ids = new Set(items.map((i) => i.intent.id));
    // The first answer is what was already there: nothing "arrived".
    if (seen.current) {
      const fresh = items.filter((i) => !seen.current!.has(i.intent.id));
      if (fresh.length === 1) setMessage(`New intent waiting for approval: ${fresh[0]!.intent.action} on ${fresh[0]!.intent.resource} from ${fresh[0]!.machine.name}.`);
      else if (fresh.length > 1) setMessage(`${fresh.length} new intents waiting for approval.`);
    }
    seen.current = ids;
  }, [items]);
  return message;
}

function QueuePanel({ tab, active, now, onDecide }: { tab: QueueTab; active: boolean; now: number; onDecide: (item: ApprovalQueueItem, decision: ApprovalDecision) => void }) {
  const queue = useApprovalQueue(tab, active || tab === "pending");
  if (queue.isPending) return <Loading label={tab === "pending" ? "Loading the intents waiting for approval…" : "Loading decided intents…"} />;
  if (queue.isError && !queue.data) {
    return (
      <div className="space-y-3">
        <ErrorMessage>Could not load the approval queue: {queue.error.message}</ErrorMessage>
        <Button onClick={() => void queue.refetch()} disabled={queue.isFetching}>
          {queue.isFetching ? "Retrying…" : "Retry"}
        </Button>
      </div>
    );
  }
  const items = queue.data;
  return (
    <div className="space-y-4">
      {queue.isError ? <p className="text-sm text-amber-800 dark:text-amber-300">Live updates paused: the Console could not be reached ({queue.error.message}). Retrying…</p> : null}
      {items.length === 0 ? (
        <EmptyState title={EMPTY[tab].title}>{EMPTY[tab].body}</EmptyState>
      ) : (
        <ul aria-label={tab === "pending" ? "Intents waiting for approval" : "Decided intents"} className="space-y-4">
          {items.map((item) => (
            <li key={item.intent.id}>
              <ApprovalCard item={item} now={now} onDecide={(d) => onDecide(item, d)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The Approvals page: pending and decided intents, both refreshed every two seconds while visible. */
export function ApprovalQueuePage() {
  const [tab, setTab] = useState<QueueTab>("pending");
  // Each second: the countdowns are what an approver acts on.
  const now = useNow(1000);
  const pending = useApprovalQueue("pending");
  const arrivals = useArrivals(pending.data);
  const { announce, node: outcome } = useAnnouncer();
  const flow = useDecisionFlow(announce);
  const count = pending.data?.length;
  return (
    <>
      {outcome}
      <p role="status" aria-live="polite" className="sr-only">
        {arrivals}
      </p>
      <Tabs
        label="Approval queue"
        selected={tab}
        onSelect={(key) => setTab(key as QueueTab)}
        tabs={[
          { key: "pending", label: count === undefined ? "Pending" : `Pending (${count})`, panel: <QueuePanel tab="pending" active={tab === "pending"} now={now} onDecide={flow.open} /> },
          { key: "decided", label: "Decided", panel: <QueuePanel tab="decided" active={tab === "decided"} now={now} onDecide={flow.open} /> },
        ]}
      />
      {flow.dialog}
    </>
  );
}
