"use client";

import { useState } from "react";
import { ErrorMessage, SuccessMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextAreaField } from "../ui/field";
import { FormActions, SubmitButton } from "../ui/form-actions";
import { NewMachineActions, useKnownEnvironments } from "./enroll-dialog";
import { ProfileFields, profileErrors, readProfile } from "./form-fields";
import { machineKeys, registerMachineCall, useMachineMutation, type MachineView } from "./queries";
import { StatusBadge } from "./status-badge";

/** A private key must never leave the machine: refuse to send anything that looks like one. */
function looksPrivate(text: string): boolean {
  if (/PRIVATE KEY/.test(text)) return true;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && "d" in value;
  } catch {
    return false;
  }
}

/** "Register existing key": for machines whose private key lives in a hardware or cloud key store. */
export function RegisterKeyButton() {
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState(0);
  const [environments, setEnvironments] = useState<string[]>([]);
  const known = useKnownEnvironments();
  return (
    <>
      <Button
        onClick={() => {
          setEnvironments(known());
          setSession((n) => n + 1);
          setOpen(true);
        }}
      >
        Register existing key
      </Button>
      <Dialog
        open={open}
        title="Register an existing public key"
        size="lg"
        description="For machines whose private key lives in a hardware or cloud key store. The machine stays pending until its first correctly signed request proves it holds the key, or until an operator confirms it."
        onRequestClose={() => setOpen(false)}
      >
        <RegisterForm key={session} environments={environments} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RegisterForm({ environments, onClose }: { environments: string[]; onClose: () => void }) {
  const register = useMachineMutation(registerMachineCall, [machineKeys.all]);
  const [localError, setLocalError] = useState<string | null>(null);
  const [registered, setRegistered] = useState<MachineView | null>(null);
  const errors = profileErrors(register.error);
  const keyError = localError ?? errors.publicKey ?? null;

  if (registered) {
    return (
      <div className="space-y-4">
        <SuccessMessage>
          Registered {registered.name}. It is pending until its first correctly signed request, or until you confirm it on its page.
        </SuccessMessage>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-zinc-600 dark:text-zinc-400">Status</dt>
          <dd>
            <StatusBadge status={registered.status} />
          </dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Fingerprint</dt>
          <dd className="break-all font-mono">{registered.fingerprint}</dd>
        </dl>
        <NewMachineActions machineId={registered.id} onDone={onClose} />
      </div>
    );
  }

  return (
    <form
      className="space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const publicKey = String(form.get("publicKey") ?? "").trim();
        if (looksPrivate(publicKey)) {
          setLocalError("This looks like a private key. Paste only the public key: the private key must never leave the machine or its key store.");
          register.reset();
          return;
        }
        setLocalError(null);
        register.mutate({ ...readProfile(form), publicKey }, { onSuccess: (r) => setRegistered(r.machine) });
      }}
    >
      <ProfileFields errors={errors} environments={environments} />
      <TextAreaField
        label="Public key"
        name="publicKey"
        required
        rows={7}
        spellCheck={false}
        autoComplete="off"
        error={keyError}
        inputClassName="font-mono text-xs"
        placeholder={'{"kty":"OKP","crv":"Ed25519","x":"…"}\nor\n-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
        hint="An Ed25519 public key as a JWK (JSON) or as PEM (SubjectPublicKeyInfo). Never the private key."
      />
      <ErrorMessage>{errors.form}</ErrorMessage>
      <FormActions onCancel={onClose}>
        <SubmitButton pending={register.isPending} pendingLabel="Registering…">
          Register machine
        </SubmitButton>
      </FormActions>
    </form>
  );
}
