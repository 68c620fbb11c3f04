"use client";

import { ErrorMessage, Loading } from "../ui/alert";
import { ConfirmButton } from "../ui/confirm-button";
import { formatDate } from "./format";
import { operatorKeys, revokeInvitationCall, useConsoleMutation, useInvitations } from "./queries";

export function InvitationsList({ canManage }: { canManage: boolean }) {
  const invitations = useInvitations();
  const revoke = useConsoleMutation(revokeInvitationCall, [operatorKeys.invitations]);
  if (invitations.isPending) return <Loading label="Loading invitations…" />;
  if (invitations.isError) return <ErrorMessage>Could not load invitations: {invitations.error.message}</ErrorMessage>;
  if (invitations.data.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No pending invitations.</p>;
  return (
    <>
      <ErrorMessage>{revoke.error?.message}</ErrorMessage>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Pending invitations">
        {invitations.data.map((inv) => (
          <li key={inv.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
            <div>
              <p className="font-medium">
                <span className="font-mono">{inv.tokenPrefix}…</span> {inv.name ? <span>for {inv.name}</span> : null}
              </p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                {inv.roles.join(", ")} · expires {formatDate(inv.expiresAt)} · created by {inv.createdBy.type === "host" ? `host command ${inv.createdBy.id}` : "an administrator"}
              </p>
            </div>
            {canManage ? (
              <ConfirmButton
                label="Revoke"
                title={`Revoke invitation ${inv.tokenPrefix}…`}
                confirmLabel="Revoke invitation"
                onConfirm={() => revoke.mutateAsync(inv.id).catch(() => undefined)}
              >
                The link stops working at once. Whoever has it will need a new invitation.
              </ConfirmButton>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
