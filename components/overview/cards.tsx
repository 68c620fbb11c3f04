"use client";

import Link from "next/link";
import type { Overview, RecentMachine } from "@/lib/overview/wire";
import type { MachineStatus } from "../machines/queries";
import { TimeLeft } from "../approvals/format";
import { RelativeTime } from "../machines/relative-time";
import { StatusBadge } from "../machines/status-badge";
import { Section } from "../ui/section";

const LINK = "font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900 dark:text-indigo-300 dark:hover:text-indigo-100";
const MUTED = "text-sm text-zinc-600 dark:text-zinc-400";

export function PendingApprovalsCard({ pending, now }: { pending: Overview["pendingApprovals"]; now: number }) {
  return (
    <Section
      title="Pending approvals"
      description={pending.count === 1 ? "1 intent waits for operators." : `${pending.count} intents wait for operators.`}
      actions={
        <Link href="/approvals" className={`text-xs ${LINK}`}>
          Open the queue
        </Link>
      }
    >
      {pending.soonest.length === 0 ? (
        <p className={MUTED}>Nothing waits for approval. Intents a policy holds for approval appear here, soonest deadline first.</p>
      ) : (
        <ul className="space-y-2" aria-label="Soonest approval deadlines">
          {pending.soonest.map((item) => (
            <li key={item.intentId} className="text-sm">
              <Link href={`/approvals/${encodeURIComponent(item.intentId)}`} className={`break-all ${LINK}`}>
                {item.action} on {item.resource}
              </Link>
              <div className={`flex flex-wrap gap-x-2 ${MUTED}`}>
                <span className="break-all">from {item.machineName}</span>
                <TimeLeft iso={item.expiresAt} now={now} label="to decide" />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function MachineList({ label, machines, now, empty }: { label: string; machines: RecentMachine[]; now: number; empty: string }) {
  if (machines.length === 0) return <p className={MUTED}>{empty}</p>;
  return (
    <ul className="space-y-2" aria-label={label}>
      {machines.map((m) => (
        <li key={m.id} className="text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Link href={`/machines/${encodeURIComponent(m.id)}`} className={`break-all ${LINK}`}>
              {m.name}
            </Link>
            <StatusBadge status={m.status as MachineStatus} />
          </div>
          <div className={MUTED}>
            <RelativeTime iso={m.at} now={now} />
            {m.reason ? <span className="break-words">: {m.reason}</span> : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

export function RecentMachinesCard({ enrolled, revoked, now }: { enrolled: RecentMachine[]; revoked: RecentMachine[]; now: number }) {
  return (
    <Section
      title="Recent machines"
      actions={
        <Link href="/machines" className={`text-xs ${LINK}`}>
          All machines
        </Link>
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Enrolled</h3>
          <MachineList label="Recently enrolled machines" machines={enrolled} now={now} empty="No machines yet. Enrolled or registered machines appear here, newest first." />
        </div>
        <div>
          <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Revoked</h3>
          <MachineList label="Recently revoked machines" machines={revoked} now={now} empty="No machine has been revoked. Revocations appear here with their reason." />
        </div>
      </div>
    </Section>
  );
}

export function CheckpointCard({ checkpoint, now }: { checkpoint: Overview["latestCheckpoint"]; now: number }) {
  return (
    <Section
      title="Latest checkpoint"
      description="The signed statement of the audit log's size and Merkle root."
      actions={
        <Link href="/audit" className={`text-xs ${LINK}`}>
          Audit log
        </Link>
      }
    >
      {checkpoint ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="latest-checkpoint">
          <dt className="text-zinc-600 dark:text-zinc-400">Entries</dt>
          <dd className="tabular-nums">{checkpoint.size.toLocaleString("en-US")}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Root hash</dt>
          <dd className="break-all font-mono text-xs">{checkpoint.rootHash}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Signed</dt>
          <dd>
            <RelativeTime iso={checkpoint.createdAt} now={now} />
          </dd>
        </dl>
      ) : (
        <p className={MUTED}>No checkpoint signed yet. The Console signs one shortly after the log grows.</p>
      )}
    </Section>
  );
}
