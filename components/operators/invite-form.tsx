"use client";

import { useState } from "react";
import { INVITATION_MINUTES } from "@/lib/operators/constants";
import { ErrorMessage, SuccessMessage } from "../ui/alert";
import { CopyField } from "../ui/copy-field";
import { InputField, SelectField } from "../ui/field";
import { SubmitButton } from "../ui/form-actions";
import { createInvitationCall, operatorKeys, useConsoleMutation } from "./queries";
import { RoleCheckboxes } from "./role-checkboxes";

const EXPIRY_CHOICES = [
  { value: 60, label: "1 hour" },
  { value: INVITATION_MINUTES.default, label: "24 hours" },
  { value: 7 * 24 * 60, label: "7 days" },
  { value: INVITATION_MINUTES.max, label: "30 days" },
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
        <InputField label="Name (optional)" name="name" maxLength={100} hint="Suggested to them; they can change it." />
        <SelectField label="Link expires after" name="expires" defaultValue={INVITATION_MINUTES.default} options={EXPIRY_CHOICES} />
      </div>
      <ErrorMessage>{invite.error?.message}</ErrorMessage>
      <SubmitButton pending={invite.isPending} pendingLabel="Creating…" disabled={roles.length === 0}>
        Create invitation link
      </SubmitButton>
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
