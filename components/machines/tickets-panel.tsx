"use client";

import { ErrorMessage } from "../ui/alert";
import { ConfirmButton } from "../ui/confirm-button";
import { Section } from "../ui/section";
import { describeActor, formatAbsolute } from "./format";
import { machineKeys, revokeTicketCall, useMachineMutation, useOpenTickets } from "./queries";
import { RelativeTime } from "./relative-time";
import { useNow } from "./use-now";

/** Enrollment tickets no machine has used yet (editors only); shown only when there are some. */
export function OpenTicketsPanel() {
  const tickets = useOpenTickets(true);
  const revoke = useMachineMutation(revokeTicketCall, [machineKeys.tickets]);
  const now = Math.max(useNow(), tickets.dataUpdatedAt);
  if (tickets.isError) return <ErrorMessage>Could not load open enrollment tickets: {tickets.error.message}</ErrorMessage>;
  const open = (tickets.data ?? []).filter((t) => t.status === "open" && new Date(t.expiresAt).getTime() > now);
  if (open.length === 0) return null;
  return (
    <Section title="Open enrollment tickets" description="Tickets no machine has used yet. Each works once; revoke any you no longer need.">
      <ErrorMessage>{revoke.error?.message}</ErrorMessage>
      <ul aria-label="Open enrollment tickets" className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {open.map((t) => (
          <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <div className="min-w-0">
              <p className="font-medium">
                {t.name} <span className="font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">{t.tokenPrefix}…</span>
              </p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                expires <RelativeTime iso={t.expiresAt} now={now} /> · created by {describeActor(t.createdBy)}
                {t.requireConfirmation ? " · fingerprint confirmation required" : " · activates without confirmation"}
                {t.permissions.length > 0 ? ` · permissions: ${t.permissions.join(", ")}` : ""}
              </p>
            </div>
            <ConfirmButton
              label={`Revoke ticket for ${t.name}`}
              title={`Revoke the enrollment ticket for "${t.name}"?`}
              confirmLabel="Revoke ticket"
              onConfirm={() => revoke.mutateAsync(t.id).catch(() => undefined)}
            >
              It stops working at once (it would have expired at {formatAbsolute(t.expiresAt)}). A machine that has not enrolled yet will need a new ticket.
            </ConfirmButton>
          </li>
        ))}
      </ul>
    </Section>
  );
}
