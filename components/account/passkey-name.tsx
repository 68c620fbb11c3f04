"use client";

import { useState } from "react";
import { apiFetch } from "../api/fetch-json";
import { useConsoleMutation, type PasskeyView } from "../operators/queries";
import { ErrorMessage } from "../ui/alert";
import { Button } from "../ui/button";

const rename = (input: { id: string; name: string }) => apiFetch(`/api/account/passkeys/${encodeURIComponent(input.id)}`, { method: "PATCH", body: { name: input.name } });

/** A passkey's name, with an inline form to rename it. */
export function PasskeyName({ passkey }: { passkey: PasskeyView }) {
  const [editing, setEditing] = useState(false);
  const mutation = useConsoleMutation(rename, [["account", "passkeys"]]);
  if (!editing) {
    return (
      <p className="flex items-center gap-2 font-medium">
        <span className="truncate">{passkey.name}</span>
        <button type="button" onClick={() => setEditing(true)} className="text-xs font-normal text-indigo-700 underline dark:text-indigo-300" aria-label={`Rename ${passkey.name}`}>
          Rename
        </button>
      </p>
    );
  }
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const name = String(new FormData(e.currentTarget).get("name") ?? "").trim();
        mutation.mutate({ id: passkey.id, name }, { onSuccess: () => setEditing(false) });
      }}
    >
      <label htmlFor={`rename-${passkey.id}`} className="sr-only">
        New name for {passkey.name}
      </label>
      <input id={`rename-${passkey.id}`} name="name" defaultValue={passkey.name} required maxLength={64} autoFocus className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900" />
      <Button type="submit" variant="primary" disabled={mutation.isPending}>
        Save
      </Button>
      <Button onClick={() => setEditing(false)}>Cancel</Button>
      <ErrorMessage>{mutation.error?.message}</ErrorMessage>
    </form>
  );
}
