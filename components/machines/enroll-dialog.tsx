"use client";

import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ErrorMessage, SuccessMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { CodeBlock } from "../ui/copy-button";
import { Dialog } from "../ui/dialog";
import { SelectField } from "../ui/field";
import { FormActions, SubmitButton } from "../ui/form-actions";
import { formatAbsolute } from "./format";
import { PermissionCheckboxes, ProfileFields, profileErrors, readProfile } from "./form-fields";
import { createTicketCall, lifecycleCall, machineKeys, revokeTicketCall, useMachineMutation, useTicketWatch, type CreatedTicket, type MachineListView, type MachineView } from "./queries";
import { StatusBadge } from "./status-badge";

const EXPIRY_CHOICES = [
  { value: 5, label: "5 minutes" },
  { value: 15, label: "15 minutes" },
  { value: 60, label: "1 hour" },
  { value: 1440, label: "24 hours" },
];

export const MISMATCH_REASON = "fingerprint mismatch at enrollment";

/** Environments already in use (from inventory pages seen in this session), to suggest. */
export function useKnownEnvironments(): () => string[] {
  const client = useQueryClient();
  return () => {
    const seen = new Set<string>();
    for (const [, data] of client.getQueriesData<MachineListView>({ queryKey: machineKeys.lists })) {
      for (const env of data?.facets.environments ?? []) seen.add(env);
    }
    return [...seen].sort();
  };
}

/** "Enroll machine": the button and its dialog (create a ticket, wait for the machine, compare fingerprints). */
export function EnrollMachineButton({ variant = "primary" }: { variant?: "primary" | "secondary" }) {
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState(0);
  const [environments, setEnvironments] = useState<string[]>([]);
  const known = useKnownEnvironments();
  const closeGuard = useRef<() => boolean>(() => true);
  return (
    <>
      <Button
        variant={variant}
        onClick={() => {
          setEnvironments(known());
          setSession((n) => n + 1);
          setOpen(true);
        }}
      >
        Enroll machine
      </Button>
      <Dialog
        open={open}
        title="Enroll a machine"
        size="lg"
        onRequestClose={() => {
          if (closeGuard.current()) setOpen(false);
        }}
        onDismissed={() => setOpen(false)}
      >
        <EnrollFlow key={session} environments={environments} onClose={() => setOpen(false)} setCloseGuard={(guard) => (closeGuard.current = guard)} />
      </Dialog>
    </>
  );
}

type Outcome = { kind: "confirmed"; machine: MachineView } | { kind: "rejected"; machine: MachineView };

function EnrollFlow({ environments, onClose, setCloseGuard }: { environments: string[]; onClose: () => void; setCloseGuard: (guard: () => boolean) => void }) {
  const client = useQueryClient();
  const [created, setCreated] = useState<CreatedTicket | null>(null);
  const [permissions, setPermissions] = useState<string[]>([]);
  const [warnClose, setWarnClose] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const create = useMachineMutation(createTicketCall, [machineKeys.tickets]);
  const revokeTicket = useMachineMutation(revokeTicketCall, [machineKeys.tickets]);
  const decide = useMachineMutation(lifecycleCall);
  const watch = useTicketWatch(created?.ticketView.id ?? null);
  const ticket = watch.data ?? created?.ticketView ?? null;
  const status = ticket?.status ?? null;
  const machine = outcome?.machine ?? ticket?.machine ?? null;

  // Closing while the ticket still works: say so first, and offer to revoke it.
  useEffect(() => {
    setCloseGuard(() => {
      if (status === "open") {
        setWarnClose(true);
        return false;
      }
      return true;
    });
  }, [status, setCloseGuard]);

  // Once the ticket is settled, the inventory and the tickets panel change too.
  useEffect(() => {
    if (status && status !== "open") {
      void client.invalidateQueries({ queryKey: machineKeys.all });
      void client.invalidateQueries({ queryKey: machineKeys.tickets });
    }
  }, [status, client]);

  // Each step replaces the content under the focus: move focus to the new step's start.
  const warnRef = useRef<HTMLDivElement>(null);
  const stepRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (warnClose) warnRef.current?.focus();
    else if (created) stepRef.current?.focus();
  }, [warnClose, created]);

  if (!created) {
    const errors = profileErrors(create.error);
    return (
      <form
        className="space-y-5"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          create.mutate(
            {
              ...readProfile(form),
              permissions,
              requireConfirmation: form.get("requireConfirmation") === "on",
              expiresInMinutes: Number(form.get("expires")),
            },
            { onSuccess: (result) => setCreated(result) },
          );
        }}
      >
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          You get a one-time ticket and one command to run on the machine. The machine generates its own key; only its public key reaches PTERI.
        </p>
        <ProfileFields errors={errors} environments={environments} />
        <PermissionCheckboxes legend="Permissions on PTERI's own API (none by default)" selected={permissions} onChange={setPermissions} />
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="requireConfirmation" defaultChecked className="mt-0.5" aria-describedby="enroll-confirm-hint" />
            <span>
              <span className="font-medium">Require fingerprint confirmation</span>
              <span id="enroll-confirm-hint" className="block text-xs text-zinc-600 dark:text-zinc-400">
                The machine stays pending until you compare the fingerprint it prints with the one shown here.
              </span>
            </span>
          </label>
          <SelectField label="Ticket expires after" name="expires" defaultValue={15} options={EXPIRY_CHOICES} />
        </div>
        <ErrorMessage>{errors.form}</ErrorMessage>
        <FormActions onCancel={onClose}>
          <SubmitButton pending={create.isPending} pendingLabel="Creating ticket…">
            Create enrollment ticket
          </SubmitButton>
        </FormActions>
      </form>
    );
  }

  const expires = formatAbsolute(created.ticketView.expiresAt);

  if (warnClose && status === "open") {
    return (
      <div ref={warnRef} tabIndex={-1} role="alert" aria-labelledby="enroll-close-warning" className="space-y-4 outline-none">
        <h3 id="enroll-close-warning" className="text-sm font-semibold">
          The ticket stays valid until it expires
        </h3>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          No machine has used it yet. Until {expires}, anyone with the command can enroll a machine with it. Revoke it unless you will run the command later.
        </p>
        <ErrorMessage>{revokeTicket.error?.message}</ErrorMessage>
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={() => setWarnClose(false)}>Keep waiting</Button>
          <Button onClick={onClose}>Keep the ticket and close</Button>
          <Button variant="danger" disabled={revokeTicket.isPending} onClick={() => revokeTicket.mutate(created.ticketView.id, { onSuccess: onClose })}>
            Revoke the ticket and close
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-5">
      {status === "open" ? (
        <>
          <p ref={stepRef} tabIndex={-1} className="text-sm text-zinc-700 outline-none dark:text-zinc-300">
            Run this command on the machine. <strong>It is shown only once</strong>: the ticket works once and expires at {expires}.
          </p>
          <CodeBlock label="Command to run on the machine" copyLabel="Copy command" value={created.command} />
          <div role="status" aria-live="polite" className="flex items-center gap-3 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-3 text-sm text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
            <span aria-hidden="true" className="h-2.5 w-2.5 shrink-0 animate-pulse rounded-full bg-indigo-600 motion-reduce:animate-none dark:bg-indigo-300" />
            Waiting for the machine…
          </div>
          {watch.isError ? <ErrorMessage>Could not check the ticket: {watch.error.message} (still trying).</ErrorMessage> : null}
          <div className="flex flex-wrap justify-end gap-2">
            <Button onClick={() => setWarnClose(true)}>Close</Button>
          </div>
        </>
      ) : status === "expired" || status === "revoked" ? (
        <>
          <ErrorMessage>
            {status === "expired"
              ? "The ticket expired before a machine used it. Nothing was enrolled; create a new ticket to try again."
              : "The ticket was revoked before a machine used it. Nothing was enrolled."}
          </ErrorMessage>
          <div className="flex justify-end">
            <Button onClick={onClose}>Close</Button>
          </div>
        </>
      ) : machine ? (
        <Arrived
          machine={machine}
          outcome={outcome}
          busy={decide.isPending}
          error={decide.error?.message ?? null}
          onConfirm={() => decide.mutate({ id: machine.id, action: "confirm", fingerprint: machine.fingerprint }, { onSuccess: (r) => setOutcome({ kind: "confirmed", machine: r.machine }) })}
          onReject={() => decide.mutate({ id: machine.id, action: "revoke", reason: MISMATCH_REASON }, { onSuccess: (r) => setOutcome({ kind: "rejected", machine: r.machine }) })}
          onClose={onClose}
        />
      ) : (
        <>
          <SuccessMessage>The ticket was used.</SuccessMessage>
          <div className="flex justify-end">
            <Button onClick={onClose}>Close</Button>
          </div>
        </>
      )}
    </div>
  );
}

function Arrived({
  machine,
  outcome,
  busy,
  error,
  onConfirm,
  onReject,
  onClose,
}: {
  machine: MachineView;
  outcome: Outcome | null;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onReject: () => void;
  onClose: () => void;
}) {
  const awaitingConfirmation = !outcome && machine.status === "pending" && machine.activation === "confirm";
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // The content under the focused element was replaced: keep focus in the dialog, at the news.
    headingRef.current?.focus();
  }, [outcome]);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-2">
        <h3 ref={headingRef} tabIndex={-1} className="text-sm font-semibold outline-none">
          {machine.name} has enrolled
        </h3>
        <StatusBadge status={machine.status} />
      </div>
      <div>
        <p id="enroll-fingerprint-label" className="text-sm font-medium">
          Key fingerprint
        </p>
        <p aria-labelledby="enroll-fingerprint-label" data-testid="enroll-fingerprint" className="mt-1 break-all rounded-md border border-zinc-200 bg-zinc-50 px-4 py-3 font-mono text-xl font-semibold tracking-wide sm:text-2xl dark:border-zinc-700 dark:bg-zinc-950">
          {machine.fingerprint}
        </p>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          Compare with what <code className="font-mono">pteri enroll</code> printed on the machine.
        </p>
      </div>
      {awaitingConfirmation ? (
        <>
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            The machine is pending: its requests are refused until you confirm. If the fingerprints differ, someone else&apos;s key used the ticket: revoke it.
          </p>
          <ErrorMessage>{error}</ErrorMessage>
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="danger" disabled={busy} onClick={onReject}>
              They differ — revoke
            </Button>
            <Button variant="primary" disabled={busy} onClick={onConfirm}>
              Fingerprints match — activate
            </Button>
          </div>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">If you close this now, the machine stays pending; you can confirm it later on its page.</p>
        </>
      ) : outcome?.kind === "confirmed" ? (
        <SuccessMessage>Fingerprints match: {machine.name} is active and can sign requests.</SuccessMessage>
      ) : outcome?.kind === "rejected" ? (
        <p role="status" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {machine.name} is revoked: its key is refused from the next request. Check the machine; the ticket may have leaked.
        </p>
      ) : machine.status === "active" ? (
        <SuccessMessage>{machine.name} is active (this ticket did not require confirmation).</SuccessMessage>
      ) : null}
      <NewMachineActions machineId={machine.id} onDone={awaitingConfirmation ? undefined : onClose} />
    </div>
  );
}

/** The end of a dialog that added a machine: a link to its page, and "Done" when there is nothing left to decide. */
export function NewMachineActions({ machineId, onDone }: { machineId: string; onDone?: () => void }) {
  return (
    <div className={onDone ? "flex flex-wrap items-center justify-end gap-3" : "flex justify-start"}>
      <Link href={`/machines/${encodeURIComponent(machineId)}`} className="text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
        Open the machine&apos;s page
      </Link>
      {onDone ? (
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      ) : null}
    </div>
  );
}
