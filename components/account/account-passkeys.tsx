"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "../api/fetch-json";
import { createPasskey, passkeyErrorText } from "../auth/passkey-client";
import { formatDate } from "../operators/format";
import { useConsoleMutation, type PasskeyView } from "../operators/queries";
import { ErrorMessage, Loading, SuccessMessage } from "../ui/alert";
import { ConfirmButton } from "../ui/confirm-button";
import { InputField } from "../ui/field";
import { SubmitButton } from "../ui/form-actions";
import { PasskeyName } from "./passkey-name";

export const accountKeys = { passkeys: ["account", "passkeys"] as const };

async function addPasskey(name: string) {
  const response = await createPasskey("/api/account/passkeys/options", {});
  return apiFetch("/api/account/passkeys", { method: "POST", body: { name, response } });
}
const removePasskey = (id: string) => apiFetch(`/api/account/passkeys/${encodeURIComponent(id)}`, { method: "DELETE" });

export function AccountPasskeys() {
  const passkeys = useQuery({ queryKey: accountKeys.passkeys, queryFn: () => apiFetch<{ passkeys: PasskeyView[] }>("/api/account/passkeys").then((r) => r.passkeys) });
  const add = useConsoleMutation(addPasskey, [accountKeys.passkeys]);
  const remove = useConsoleMutation(removePasskey, [accountKeys.passkeys]);
  const [added, setAdded] = useState<string | null>(null);

  return (
    <div className="space-y-4">
      {passkeys.isPending ? <Loading label="Loading your passkeys…" /> : null}
      {passkeys.isError ? <ErrorMessage>Could not load your passkeys: {passkeys.error.message}</ErrorMessage> : null}
      {passkeys.data ? (
        <ul aria-label="Your passkeys" className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {passkeys.data.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
              <div className="min-w-0">
                <PasskeyName passkey={p} />
                <p className="text-xs text-zinc-600 dark:text-zinc-400">
                  {p.algorithmName} · added {formatDate(p.createdAt)} · last used {formatDate(p.lastUsedAt)}
                  {p.backedUp ? " · synced" : ""}
                </p>
              </div>
              <ConfirmButton
                label={`Remove ${p.name}`}
                title={`Remove the passkey "${p.name}"?`}
                confirmLabel="Remove passkey"
                disabled={passkeys.data.length <= 1}
                onConfirm={() => remove.mutateAsync(p.id).catch(() => undefined)}
              >
                You will no longer be able to sign in with it, and a session it started ends now. Also delete it from the device or password manager that keeps it.
              </ConfirmButton>
            </li>
          ))}
        </ul>
      ) : null}
      {passkeys.data && passkeys.data.length <= 1 ? <p className="text-xs text-zinc-600 dark:text-zinc-400">Your only passkey cannot be removed. Add a second one first, on another device if you can.</p> : null}
      <ErrorMessage>{remove.error?.message}</ErrorMessage>
      <form
        className="flex flex-wrap items-end gap-2 border-t border-zinc-200 pt-4 dark:border-zinc-800"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const name = String(new FormData(form).get("passkeyName") ?? "").trim();
          setAdded(null);
          add.mutate(name, {
            onSuccess: () => {
              setAdded(name);
              form.reset();
            },
          });
        }}
      >
        <InputField label="New passkey name" name="passkeyName" required maxLength={64} placeholder="e.g. Security key" className="min-w-56 flex-1" />
        <SubmitButton pending={add.isPending} pendingLabel="Waiting for your passkey…">
          Add a passkey
        </SubmitButton>
      </form>
      {add.error ? <ErrorMessage>{passkeyErrorText(add.error)}</ErrorMessage> : null}
      {added ? <SuccessMessage>Passkey &quot;{added}&quot; added.</SuccessMessage> : null}
    </div>
  );
}
