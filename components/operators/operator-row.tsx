"use client";

import { useState } from "react";
import { ErrorMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";
import { formatDate } from "./format";
import { operatorKeys, removeOperatorPasskeyCall, updateOperatorCall, useConsoleMutation, type OperatorView } from "./queries";
import { RoleCheckboxes } from "./role-checkboxes";

/** One operator: roles, status, passkeys; administrators can change them here. */
export function OperatorRow({ operator, isSelf, canManage }: { operator: OperatorView; isSelf: boolean; canManage: boolean }) {
  const [open, setOpen] = useState(false);
  const [roles, setRoles] = useState(operator.roles);
  const update = useConsoleMutation(updateOperatorCall, [operatorKeys.operators]);
  const removePasskey = useConsoleMutation(removeOperatorPasskeyCall, [operatorKeys.operators]);
  const panelId = `operator-${operator.id}`;
  const disabled = operator.status === "disabled";
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <div>
          <p className="font-medium">
            {operator.name}
            {isSelf ? <span className="ml-2 text-xs font-normal text-zinc-600 dark:text-zinc-400">(you)</span> : null}
            {disabled ? <span className="ml-2 rounded bg-zinc-200 px-1.5 py-0.5 text-xs font-medium text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100">disabled</span> : null}
          </p>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {operator.roles.join(", ")} · {operator.passkeys.length} passkey{operator.passkeys.length === 1 ? "" : "s"}
            {operator.teams.length > 0 ? ` · teams: ${operator.teams.map((t) => t.name).join(", ")}` : ""} · since {formatDate(operator.createdAt)}
          </p>
        </div>
        <Button aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
          {open ? "Close" : canManage ? `Manage ${operator.name}` : `Details for ${operator.name}`}
        </Button>
      </div>
      {open ? (
        <div id={panelId} className="mt-3 space-y-4 rounded-md border border-zinc-200 p-4 dark:border-zinc-700">
          <ErrorMessage>{update.error?.message ?? removePasskey.error?.message}</ErrorMessage>
          {canManage ? (
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                update.mutate({ id: operator.id, roles });
              }}
            >
              <RoleCheckboxes legend={`Roles of ${operator.name}`} name={`roles-${operator.id}`} selected={roles} onChange={setRoles} />
              <Button type="submit" variant="primary" disabled={update.isPending || roles.length === 0}>
                Save roles
              </Button>
            </form>
          ) : null}
          <div>
            <h3 className="text-sm font-medium">Passkeys</h3>
            <ul className="mt-1 divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
              {operator.passkeys.map((p) => (
                <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span>
                    {p.name} <span className="text-xs text-zinc-600 dark:text-zinc-400">· {p.algorithmName} · last used {formatDate(p.lastUsedAt)}</span>
                  </span>
                  {canManage ? (
                    <ConfirmButton
                      label={`Remove passkey ${p.name}`}
                      title={`Remove the passkey "${p.name}" of ${operator.name}?`}
                      confirmLabel="Remove passkey"
                      disabled={operator.passkeys.length <= 1}
                      onConfirm={() => removePasskey.mutateAsync({ operatorId: operator.id, passkeyId: p.id }).catch(() => undefined)}
                    >
                      It can no longer sign in, and any session it started ends now. Its public key is kept so that what it signed stays verifiable.
                    </ConfirmButton>
                  ) : null}
                </li>
              ))}
            </ul>
            {canManage && operator.passkeys.length <= 1 ? (
              <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">An operator&apos;s only passkey cannot be removed; disable the operator to lock them out.</p>
            ) : null}
          </div>
          {canManage ? (
            disabled ? (
              <ConfirmButton label={`Enable ${operator.name}`} title={`Enable ${operator.name}?`} confirmLabel="Enable" variant="secondary" onConfirm={() => update.mutateAsync({ id: operator.id, status: "active" }).catch(() => undefined)}>
                They can sign in again with their passkeys.
              </ConfirmButton>
            ) : (
              <ConfirmButton label={`Disable ${operator.name}`} title={`Disable ${operator.name}?`} confirmLabel="Disable operator" onConfirm={() => update.mutateAsync({ id: operator.id, status: "disabled" }).catch(() => undefined)}>
                {isSelf ? "This is your own account: you will be signed out at once. " : ""}Their sessions end immediately and they cannot sign in until an administrator enables them again.
              </ConfirmButton>
            )
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
