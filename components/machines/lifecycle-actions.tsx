"use client";

import { useId, useState } from "react";
import { ErrorMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { INPUT_CLASS } from "../ui/field";
import { FormActions, SubmitButton } from "../ui/form-actions";
import { lifecycleCall, useMachineMutation, type LifecycleAction, type MachineView } from "./queries";

const MAX_REASON = 500;

interface ActionCopy {
  label: string;
  title: (name: string) => string;
  explain: (machine: MachineView) => React.ReactNode;
  submit: string;
  done: (name: string) => string;
  danger?: boolean;
}

const ACTIONS: Record<LifecycleAction, ActionCopy> = {
  confirm: {
    label: "Confirm",
    title: (name) => `Confirm ${name}?`,
    explain: (m) => (
      <>
        <p>Confirm only if this fingerprint is the one the machine shows for its key (for example what <code className="font-mono">pteri enroll</code> printed):</p>
        <p className="mt-2 break-all rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-base font-semibold dark:border-zinc-700 dark:bg-zinc-950">{m.fingerprint}</p>
        <p className="mt-2">The machine becomes active and its signed requests are accepted.</p>
      </>
    ),
    submit: "Confirm machine",
    done: (name) => `${name} confirmed: it is active.`,
  },
  suspend: {
    label: "Suspend",
    title: (name) => `Suspend ${name}?`,
    explain: () => <p>Its signed requests are refused from the next one until someone resumes it. The key stays enrolled.</p>,
    submit: "Suspend machine",
    done: (name) => `${name} suspended.`,
  },
  resume: {
    label: "Resume",
    title: (name) => `Resume ${name}?`,
    explain: () => <p>Its signed requests are accepted again.</p>,
    submit: "Resume machine",
    done: (name) => `${name} resumed: it is active.`,
  },
  revoke: {
    label: "Revoke",
    title: (name) => `Revoke ${name}?`,
    explain: () => (
      <p>
        <strong>This is permanent.</strong> Its key is refused by every Console instance from the next request, and the machine cannot be reactivated or
        deleted: it stays listed for the audit trail. A machine that needs access again must enroll with a new key.
      </p>
    ),
    submit: "Revoke machine permanently",
    done: (name) => `${name} revoked. Its key is refused from now on.`,
    danger: true,
  },
};

export function actionsFor(status: MachineView["status"]): LifecycleAction[] {
  switch (status) {
    case "pending":
      return ["confirm", "revoke"];
    case "active":
      return ["suspend", "revoke"];
    case "suspended":
      return ["resume", "revoke"];
    default:
      return [];
  }
}

/** The lifecycle buttons a machine's current status allows, each confirmed in a dialog with a reason. */
export function LifecycleActions({ machine, onDone }: { machine: MachineView; onDone: (message: string, machine: MachineView) => void }) {
  const [action, setAction] = useState<LifecycleAction | null>(null);
  const actions = actionsFor(machine.status);
  if (actions.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2">
      {actions.map((a) => (
        <Button
          key={a}
          variant={a === "confirm" ? "primary" : ACTIONS[a].danger ? "danger" : "secondary"}
          onClick={() => setAction(a)}
        >
          {ACTIONS[a].label}
        </Button>
      ))}
      <Dialog open={action !== null} title={action ? ACTIONS[action].title(machine.name) : ""} onRequestClose={() => setAction(null)}>
        {action ? (
          <ReasonForm
            key={action}
            machine={machine}
            action={action}
            onCancel={() => setAction(null)}
            onDone={(updated) => {
              setAction(null);
              onDone(ACTIONS[action].done(updated.name), updated);
            }}
          />
        ) : null}
      </Dialog>
    </div>
  );
}

function ReasonForm({ machine, action, onCancel, onDone }: { machine: MachineView; action: LifecycleAction; onCancel: () => void; onDone: (machine: MachineView) => void }) {
  const copy = ACTIONS[action];
  const required = action !== "confirm";
  const [reason, setReason] = useState("");
  const run = useMachineMutation(lifecycleCall);
  const id = useId();
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        run.mutate({ id: machine.id, action, reason: reason.trim(), fingerprint: action === "confirm" ? machine.fingerprint : undefined }, { onSuccess: (r) => onDone(r.machine) });
      }}
    >
      <div className="text-sm text-zinc-700 dark:text-zinc-300">{copy.explain(machine)}</div>
      <div>
        <label htmlFor={id} className="block text-sm font-medium">
          Reason{required ? "" : " (optional)"}
        </label>
        <textarea
          id={id}
          data-autofocus=""
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required={required}
          maxLength={MAX_REASON}
          rows={3}
          aria-describedby={`${id}-hint`}
          className={INPUT_CLASS}
        />
        <p id={`${id}-hint`} className="mt-1 flex justify-between gap-2 text-xs text-zinc-600 dark:text-zinc-400">
          <span>Recorded in the audit log with your name.</span>
          <span>
            {reason.length}/{MAX_REASON}
          </span>
        </p>
      </div>
      <ErrorMessage>{run.error?.message}</ErrorMessage>
      <FormActions onCancel={onCancel} cancelDisabled={run.isPending}>
        <SubmitButton variant={copy.danger ? "danger" : "primary"} pending={run.isPending} pendingLabel="Working…" disabled={required && reason.trim() === ""}>
          {copy.submit}
        </SubmitButton>
      </FormActions>
    </form>
  );
}
