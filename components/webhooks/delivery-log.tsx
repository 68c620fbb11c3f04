"use client";

import { useState } from "react";
import { ErrorMessage, Loading } from "../ui/alert";
import { Badge, type BadgeStyle } from "../ui/badge";
import { Button } from "../ui/button";
import { RelativeTime } from "../machines/relative-time";
import { useNow } from "../machines/use-now";
import type { WebhookDeliveryStatus, WebhookDeliveryView } from "@/lib/webhooks/wire";
import { DELIVERY_PAGE_SIZE, redeliverCall, useDeliveries, useWebhookMutation } from "./queries";

/** Color, word and symbol: color is never the only cue. */
const STATUS: Record<WebhookDeliveryStatus, BadgeStyle> = {
  pending: { label: "Pending", symbol: "◌", tone: "warning" },
  delivered: { label: "Delivered", symbol: "✓", tone: "success" },
  failed: { label: "Failed", symbol: "✕", tone: "danger" },
};

export function DeliveryStatus({ status }: { status: WebhookDeliveryStatus }) {
  const style = STATUS[status];
  return <Badge style={style} data-status={status} />;
}

const CELL = "px-2 py-2 align-top";

export function DeliveryLog({ endpointId, label, canManage }: { endpointId: string; label: string; canManage: boolean }) {
  const [page, setPage] = useState(1);
  const log = useDeliveries(endpointId, page);
  const now = useNow(5_000);
  if (log.isPending) return <Loading label="Loading deliveries…" />;
  if (log.isError) return <ErrorMessage>Could not load the delivery log: {log.error.message}</ErrorMessage>;
  const { items, total } = log.data;
  if (total === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No deliveries yet. Events this endpoint subscribes to, and tests, appear here.</p>;
  const pages = Math.max(1, Math.ceil(total / DELIVERY_PAGE_SIZE));
  return (
    <div className="space-y-2">
      <div className="overflow-x-auto">
        <table className="w-full min-w-[44rem] text-left text-sm" aria-label={label} aria-busy={log.isFetching && log.isPlaceholderData}>
          <thead className="text-xs text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className={CELL}>Event</th>
              <th className={CELL}>Status</th>
              <th className={CELL}>Attempts</th>
              <th className={CELL}>Response</th>
              <th className={CELL}>Last error</th>
              <th className={CELL}>Next try</th>
              <th className={CELL}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {items.map((d) => (
              <DeliveryRow key={d.id} delivery={d} endpointId={endpointId} now={now} canManage={canManage} />
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav aria-label={`${label} pages`} className="flex items-center gap-2 text-sm">
          <Button onClick={() => setPage((p) => p - 1)} disabled={page <= 1}>
            Newer
          </Button>
          <span>
            Page {page} of {pages}
          </span>
          <Button onClick={() => setPage((p) => p + 1)} disabled={page >= pages}>
            Older
          </Button>
        </nav>
      ) : null}
    </div>
  );
}

function DeliveryRow({ delivery: d, endpointId, now, canManage }: { delivery: WebhookDeliveryView; endpointId: string; now: number; canManage: boolean }) {
  const redeliver = useWebhookMutation(redeliverCall);
  return (
    <tr data-delivery={d.id}>
      <td className={CELL}>
        <span className="block font-mono text-xs">{d.eventType}</span>
        <span className="block text-xs text-zinc-600 dark:text-zinc-400">
          <RelativeTime iso={d.createdAt} now={now} />
        </span>
      </td>
      <td className={CELL}>
        <DeliveryStatus status={d.status} />
      </td>
      <td className={`${CELL} tabular-nums`}>
        {d.attempts} of {d.maxAttempts}
      </td>
      <td className={`${CELL} font-mono text-xs`}>{d.lastStatusCode ?? "—"}</td>
      <td className={`${CELL} max-w-72 break-words text-xs`}>{d.lastError ?? "—"}</td>
      <td className={`${CELL} text-xs`}>{d.nextAttemptAt ? <RelativeTime iso={d.nextAttemptAt} now={now} /> : "—"}</td>
      <td className={`${CELL} text-right`}>
        {canManage && d.status === "failed" ? (
          <Button onClick={() => redeliver.mutate({ id: endpointId, deliveryId: d.id })} disabled={redeliver.isPending} aria-label={`Redeliver ${d.eventType} event ${d.eventId}`}>
            Redeliver
          </Button>
        ) : null}
        {redeliver.error ? (
          <span role="alert" className="block text-xs text-red-700 dark:text-red-300">
            {redeliver.error.message}
          </span>
        ) : null}
      </td>
    </tr>
  );
}
