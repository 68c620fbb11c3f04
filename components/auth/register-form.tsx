"use client";

import { useEffect, useState } from "react";
import { apiFetch } from "../api/fetch-json";
import { ErrorMessage, Loading } from "../ui/alert";
import { Button } from "../ui/button";
import { InputField } from "../ui/field";
import { createPasskey, passkeyErrorText, signInWithPasskey } from "./passkey-client";

interface InvitationInfo {
  kind: "setup" | "invite";
  roles: string[];
  name: string | null;
  expiresAt: string;
}

type State = { step: "checking" } | { step: "invalid"; message: string } | { step: "ready"; token: string; invitation: InvitationInfo };

/** Reads the token from the URL fragment once, then removes it from the address bar and history. */
function takeTokenFromFragment(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  if (token) window.history.replaceState(null, "", window.location.pathname);
  return token;
}

export function RegisterForm({ kind }: { kind: "setup" | "invite" }) {
  const [state, setState] = useState<State>({ step: "checking" });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const token = takeTokenFromFragment();
    const missing = `This page needs the full ${kind === "setup" ? "setup" : "invitation"} link, including the part after "#". Open the link again from where you received it.`;
    const check: Promise<State> = token
      ? apiFetch<{ invitation: InvitationInfo }>("/api/webauthn/register/check", { method: "POST", body: { token } }).then(({ invitation }) => ({ step: "ready", token, invitation }))
      : Promise.reject(new Error(missing));
    check.then(setState, (e: unknown) => setState({ step: "invalid", message: e instanceof Error ? e.message : String(e) }));
  }, [kind]);

  if (state.step === "checking") return <Loading label="Checking your link…" />;
  if (state.step === "invalid") return <ErrorMessage>{state.message}</ErrorMessage>;

  const { token, invitation } = state;
  return (
    <form
      className="space-y-4"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const name = String(form.get("name") ?? "").trim();
        const passkeyName = String(form.get("passkeyName") ?? "").trim();
        setError(null);
        try {
          setBusy("Creating your passkey…");
          const response = await createPasskey("/api/webauthn/register/options", { token, name });
          const created = await apiFetch<{ credentialId: string }>("/api/webauthn/register", { method: "POST", body: { token, name, passkeyName, response } });
          setBusy("Passkey created. Signing you in…");
          await signInWithPasskey(created.credentialId);
          // A full load, so the server renders the Console with the new session from the start.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          window.location.assign("/");
        } catch (e) {
          setError(passkeyErrorText(e));
          setBusy(null);
        }
      }}
    >
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        {invitation.kind === "setup" ? "You are setting up the first administrator of this Console" : "You are invited to this Console"} with the role
        {invitation.roles.length > 1 ? "s" : ""} <strong>{invitation.roles.join(", ")}</strong>. The link works once, until{" "}
        {new Date(invitation.expiresAt).toLocaleString()}.
      </p>
      <InputField label="Your name" name="name" required maxLength={100} autoComplete="name" defaultValue={invitation.name ?? ""} hint="Other operators and the audit log show this name." />
      <InputField label="Name this passkey" name="passkeyName" required maxLength={64} defaultValue="My passkey" hint="For example the device or password manager that keeps it." />
      <ErrorMessage>{error}</ErrorMessage>
      <Button type="submit" variant="primary" className="w-full" disabled={busy !== null}>
        {busy ?? "Create passkey and sign in"}
      </Button>
    </form>
  );
}
