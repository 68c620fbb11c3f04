"use client";

import Link from "next/link";
import { ApiError } from "../api/fetch-json";
import { ErrorMessage, Loading } from "../ui/alert";
import { BackLink } from "../ui/back-link";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { PageHeader } from "../ui/page-header";
import { Section } from "../ui/section";
import { RelativeTime } from "../machines/relative-time";
import { useNow } from "../machines/use-now";
import { ApprovalCard } from "./approval-card";
import { IntentStatusBadge } from "./format";
import { useApprovalDetail, type ApprovalDetail } from "./queries";
import { useAnnouncer, useDecisionFlow } from "./use-decision";

function MachineHistory({ detail, now }: { detail: ApprovalDetail; now: number }) {
  const history = detail.machineHistory;
  return (
    <Section title="Recent intents of this machine" description={`The latest intents ${detail.machine.name} submitted before or after this one (at most 10).`}>
      {history.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No other intent from this machine yet.</p>
      ) : (
        <div className="-m-4 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Recent intents of {detail.machine.name}</caption>
            <thead className="text-xs text-zinc-600 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Action</th>
                <th scope="col" className="px-4 py-2 font-medium">Resource</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
                <th scope="col" className="px-4 py-2 font-medium">Submitted</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {history.map((h) => (
                <tr key={h.id}>
                  <td className="break-all px-4 py-2 font-mono text-xs">
                    <Link href={`/approvals/${encodeURIComponent(h.id)}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      {h.action}
                    </Link>
                  </td>
                  <td className="break-all px-4 py-2 font-mono text-xs">{h.resource}</td>
                  <td className="px-4 py-2">
                    <IntentStatusBadge status={h.status} />
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <RelativeTime iso={h.createdAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

/** One intent's approval page: the same card as in the queue, and the machine's recent history. */
export function ApprovalDetailPage({ intentId }: { intentId: string }) {
  const detail = useApprovalDetail(intentId);
  const now = useNow(1000);
  const { announce, node: outcome } = useAnnouncer();
  const flow = useDecisionFlow(announce);
  const data = detail.data;
  const notFound = detail.error instanceof ApiError && detail.error.status === 404;
  return (
    <>
      <BackLink href="/approvals">Approvals</BackLink>
      <PageHeader title={data ? `${data.intent.action} on ${data.intent.resource}` : "Intent"} description={data ? `Intent ${data.intent.id}` : undefined} />
      {outcome}
      {detail.isPending ? <Loading label="Loading the intent…" /> : null}
      {notFound ? (
        <EmptyState title="No such intent">It may never have existed, or it never needed an approval. The approval queue lists the intents that do.</EmptyState>
      ) : detail.isError && !data ? (
        <div className="space-y-3">
          <ErrorMessage>Could not load this intent: {detail.error.message}</ErrorMessage>
          <Button onClick={() => void detail.refetch()} disabled={detail.isFetching}>
            {detail.isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : null}
      {data ? (
        <div className="space-y-6">
          <ApprovalCard item={data} now={now} onDecide={(d) => flow.open(data, d)} headingLevel={2} linkTitle={false} />
          <MachineHistory detail={data} now={now} />
        </div>
      ) : null}
      {flow.dialog}
    </>
  );
}
