"use client";

import { useState } from "react";
import { INVITATION_MINUTES } from "@/lib/operators/constants";
import { ErrorMessage, SuccessMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { CopyField } from "../ui/copy-field";
import { TextField } from "../ui/field";
import { createInvitationCall, operatorKeys, useConsoleMutation } from "./queries";
import { RoleCheckboxes } from "./role-checkboxes";

const EXPIRY_CHOICES = [
  { minutes: 60, label: "1 hour" },
  { minutes: INVITATION_MINUTES.default, label: "24 hours" },
  { minutes: 7 * 24 * 60, label: "7 days" },
  { minutes: INVITATION_MINUTES.max, label: "30 days" },
];

export function InviteForm() {
  const [roles, setRoles] = useState<string[]>([]);
  const [link, setLink] = useState<string | null>(null);
  const invite = useConsoleMutation(createInvitationCall, [operatorKeys.invitations]);
  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const name = String(form.get("name") ?? "").trim();
        setLink(null);
        invite.mutate(
          { roles, name: name || undefined, expiresInMinutes: Number(form.get("expires")) },
          {
            onSuccess: (result) => {
              setLink(result.link);
              setRoles([]);
            },
          },
        );
      }}
    >
      <RoleCheckboxes legend="Roles for the new operator" name="roles" selected={roles} onChange={setRoles} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Name (optional)" name="name" maxLength={100} hint="Suggested to them; they can change it." />
        <div>
          <label htmlFor="invite-expires" className="block text-sm font-medium">
            Link expires after
          </label>
          <select id="invite-expires" name="expires" defaultValue={INVITATION_MINUTES.default} className="mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.minutes} value={c.minutes}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage>{invite.error?.message}</ErrorMessage>
      <Button type="submit" variant="primary" disabled={invite.isPending || roles.length === 0}>
        {invite.isPending ? "Creating…" : "Create invitation link"}
      </Button>
      {roles.length === 0 && !link ? <p className="text-xs text-zinc-600 dark:text-zinc-400">Choose at least one role.</p> : null}
      {link ? (
        <div className="space-y-2">
          <SuccessMessage>Invitation created. Copy the link now: it is shown only once and works once.</SuccessMessage>
          <CopyField label="Invitation link" value={link} />
        </div>
      ) : null}
    </form>
  );
}
