"use client";

import Link from "next/link";
import { CopyButton } from "../ui/copy-button";
import { Button } from "../ui/button";
import { StatusBadge, TagList } from "../machines/status-badge";
import { RelativeTime } from "../machines/relative-time";
import type { MachineStatus } from "../machines/queries";
import { IntentStatusBadge, TimeLeft } from "./format";
import { approvalProgress, formatDuration } from "./logic";
import { ParamsView } from "./params-view";
import type { ApprovalQueueItem } from "./queries";
import type { ApprovalDecision, RequirementView } from "@/lib/approvals/wire";

const DT = "text-zinc-600 dark:text-zinc-400";
const ROW = "grid gap-1 px-4 py-3 text-sm sm:grid-cols-[10rem_1fr] sm:gap-4";
const LINK = "text-indigo-700 hover:underline dark:text-indigo-300";
const MUTED = "text-zinc-600 dark:text-zinc-400";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className={ROW}>
      <dt className={DT}>{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}

function Requirements({ requirements }: { requirements: RequirementView[] }) {
  return (
    <ul className="space-y-1">
      {requirements.map((r, i) => (
        <li key={i}>
          <span className="font-medium">
            {Math.min(r.approvedBy.length, r.approvers)} of {r.approvers}
          </span>{" "}
          {r.approvers === 1 ? "approver" : "distinct approvers"}
          {r.team ? (
            <>
              {" "}
              from team <span className="font-mono">{r.team}</span>
            </>
          ) : null}
          {r.approvedBy.length > 0 ? <span className={MUTED}>: approved by {r.approvedBy.map((a) => a.operatorName).join(", ")}</span> : <span className={MUTED}>: none yet</span>}
        </li>
      ))}
    </ul>
  );
}

function Decisions({ item, now }: { item: ApprovalQueueItem; now: number }) {
  if (item.approvals.length === 0) return <span className={MUTED}>No decision yet.</span>;
  return (
    <ul className="space-y-2">
      {item.approvals.map((a) => (
        <li key={a.id}>
          <span className="font-medium">{a.operatorName}</span> {a.decision === "approve" ? "approved" : "rejected"} <RelativeTime iso={a.createdAt} now={now} />
          {a.executionWindowSeconds !== null ? <span className={MUTED}> (execution window shortened to {a.executionWindowSeconds} s)</span> : null}
          <span className="block whitespace-pre-wrap break-words text-zinc-700 dark:text-zinc-300">“{a.reason}”</span>
          <span className={`block text-xs ${MUTED}`}>
            Signed with passkey “{a.passkey.name}” ·{" "}
            <Link href={`/audit/${a.auditSeq}`} className="underline hover:no-underline">
              audit entry #{a.auditSeq}
            </Link>
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * One intent with everything an approver needs to decide: the machine, what it asks to do and the
 * exact request, its parameters (as text), the rule that asked for approval, who approved so
 * far, and the time left. The buttons appear only for operators who may decide now.
 */
export function ApprovalCard({
  item,
  now,
  onDecide,
  headingLevel = 3,
  linkTitle = true,
}: {
  item: ApprovalQueueItem;
  now: number;
  onDecide: (decision: ApprovalDecision) => void;
  headingLevel?: 2 | 3;
  linkTitle?: boolean;
}) {
  const { intent, machine } = item;
  const Heading = `h${headingLevel}` as const;
  const pending = intent.status === "pending";
  const headingId = `intent-${intent.id}`;
  return (
    <article aria-labelledby={headingId} data-intent-id={intent.id} className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="min-w-0">
          <Heading id={headingId} className="break-all text-base font-semibold">
            {linkTitle ? (
              <Link href={`/approvals/${encodeURIComponent(intent.id)}`} className="hover:underline">
                <span className="font-mono">{intent.action}</span> on <span className="font-mono">{intent.resource}</span>
              </Link>
            ) : (
              <>
                <span className="font-mono">{intent.action}</span> on <span className="font-mono">{intent.resource}</span>
              </>
            )}
          </Heading>
          <p className={`mt-0.5 text-xs ${MUTED}`}>
            from <span className="font-medium text-zinc-800 dark:text-zinc-200">{machine.name}</span>, submitted <RelativeTime iso={intent.createdAt} now={now} />
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <IntentStatusBadge status={intent.status} />
          <span data-testid="approval-progress" className="whitespace-nowrap font-medium">
            {approvalProgress(item.obligation.requirements)}
          </span>
          {pending || intent.status === "approved" ? <TimeLeft iso={intent.expiresAt} now={now} label={pending ? "to decide" : "to execute"} /> : null}
        </div>
      </header>
      <dl className="divide-y divide-zinc-200 dark:divide-zinc-800">
        <Row label="Machine">
          <div className="flex flex-wrap items-center gap-2">
            <Link href={`/machines/${encodeURIComponent(machine.id)}`} className={`font-medium ${LINK}`}>
              {machine.name}
            </Link>
            <StatusBadge status={machine.status as MachineStatus} />
            <TagList tags={machine.tags} label={`Tags of ${machine.name}`} />
          </div>
          <p className={`mt-1 text-xs ${MUTED}`}>
            Owner: <span className="text-zinc-800 dark:text-zinc-200">{machine.owner || "—"}</span> · Environment: <span className="text-zinc-800 dark:text-zinc-200">{machine.environment || "—"}</span>
          </p>
          <p className="mt-1 flex min-w-0 flex-wrap items-center gap-2 text-xs">
            <span className={MUTED}>Key id</span>
            <span className="min-w-0 break-all font-mono">{machine.keyId}</span>
            <CopyButton value={machine.keyId} label={`Copy key id of ${machine.name}`} />
          </p>
        </Row>
        <Row label="Audience">
          <span className="break-all font-mono text-xs">{intent.audience}</span>
        </Row>
        <Row label="Request">
          <p className="break-all font-mono text-xs" data-testid="intent-request">
            <span className="font-semibold">{intent.execute.method}</span> {intent.execute.targetUri}
          </p>
          <p className={`mt-1 break-all font-mono text-xs ${MUTED}`}>content-digest: {intent.execute.contentDigest ?? "none (no body)"}</p>
        </Row>
        <Row label="Parameters">
          <ParamsView params={intent.params} label={`Parameters of ${intent.action}`} />
        </Row>
        <Row label={item.rules.length === 1 ? "Rule" : "Rules"}>
          <ul className="space-y-1">
            {item.rules.map((r) => (
              <li key={`${r.policyId}:${r.ruleId}`}>
                {/* Underlined: a link inside running text must not rely on color alone. */}
                <Link href={`/policies/${encodeURIComponent(r.policyId)}`} className={`underline ${LINK}`}>
                  {r.policyName}
                </Link>{" "}
                v{r.policyVersion}, rule <span className="font-mono">{r.ruleId}</span>
              </li>
            ))}
          </ul>
        </Row>
        <Row label="Requirements">
          <Requirements requirements={item.obligation.requirements} />
          <p className={`mt-1 text-xs ${MUTED}`}>
            Execute within {formatDuration(item.obligation.executionWindowLimitSeconds)} of the last approval
            {item.obligation.executionWindowSeconds === null ? " (the default; the policy sets none)" : ""}.
          </p>
        </Row>
        <Row label="Decisions">
          <Decisions item={item} now={now} />
        </Row>
        <Row label="Intent hash">
          <span className="flex min-w-0 flex-wrap items-center gap-2">
            <span className="min-w-0 break-all font-mono text-xs">{intent.hash}</span>
            <CopyButton value={intent.hash} label={`Copy intent hash of ${intent.action}`} />
          </span>
        </Row>
      </dl>
      {pending ? (
        <footer className="flex flex-wrap items-center justify-end gap-2 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
          {item.viewer.canDecide ? (
            <>
              {item.viewer.canApprove === false ? (
                // Rejecting is still possible; an approval from this viewer would not count.
                <p className={`mr-auto text-sm ${MUTED}`} data-testid="viewer-reason">
                  {item.viewer.approveReason ?? "Your approval would not count towards this intent's requirements."}
                </p>
              ) : null}
              <Button variant="danger" onClick={() => onDecide("reject")}>
                Reject…
              </Button>
              {item.viewer.canApprove !== false ? (
                <Button variant="primary" onClick={() => onDecide("approve")}>
                  Approve…
                </Button>
              ) : null}
            </>
          ) : (
            <p className={`text-sm ${MUTED}`} data-testid="viewer-reason">
              {item.viewer.reason ?? "You cannot decide on this intent."}
            </p>
          )}
        </footer>
      ) : null}
    </article>
  );
}
