"use client";

import { useState } from "react";
import { ErrorMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { passkeyErrorText, signInWithPasskey } from "./passkey-client";

export function SignInForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await signInWithPasskey();
          // A full load, so the server renders the Console with the new session from the start.
          window.location.assign(callbackUrl);
        } catch (e) {
          setError(passkeyErrorText(e));
          setBusy(false);
        }
      }}
    >
      {notice ? (
        <p role="status" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          {notice}
        </p>
      ) : null}
      <ErrorMessage>{error}</ErrorMessage>
      <Button type="submit" variant="primary" className="w-full" disabled={busy}>
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </Button>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        PTERI has no passwords. Use the passkey you created from your invitation; to get one, ask an administrator for an
        invitation link.
      </p>
    </form>
  );
}
