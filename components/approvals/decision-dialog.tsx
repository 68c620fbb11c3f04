"use client";

import { useState } from "react";
import { decideWithPasskey, passkeyErrorText } from "../auth/passkey-client";
import { ApiError } from "../api/fetch-json";
import { ErrorMessage } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { InputField, SelectField, TextAreaField } from "../ui/field";
import { FormActions, SubmitButton } from "../ui/form-actions";
import { chosenWindow, CUSTOM_WINDOW, formatDuration, POLICY_WINDOW } from "./logic";
import type { ApprovalQueueItem } from "./queries";
import { MAX_APPROVAL_REASON, type ApprovalDecision, type ApprovalDecisionResult, type ApprovalStatement } from "@/lib/approvals/wire";

const PRESETS = [60, 300, 900, 3600, 21_600];

/** A sentence for why signing the decision failed; the server's own sentence unless a clearer one fits. */
function decisionErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return passkeyErrorText(error);
  switch (error.code) {
    case "challenge_invalid":
      return `The signing prompt expired or was already used; nothing was recorded. Try again: a new one will be issued. (${error.message})`;
    case "not_pending":
      return `This intent no longer awaits a decision: someone else decided first, or its deadline passed. The queue has been refreshed. (${error.message})`;
    case "already_decided":
      return `You already decided on this intent. (${error.message})`;
    default:
      return error.message;
  }
}

/**
 * Approve or reject one intent: a reason (required), for approval an optional shorter execution
 * window, and what will be signed; then the passkey ceremony. On error the input stays.
 */
export function DecisionDialog({
  item,
  decision,
  onClose,
  onDecided,
  onRefused,
}: {
  item: ApprovalQueueItem;
  decision: ApprovalDecision | null;
  onClose: () => void;
  onDecided: (result: ApprovalDecisionResult, decision: ApprovalDecision) => void;
  onRefused: () => void;
}) {
  const approve = decision === "approve";
  const title = `${approve ? "Approve" : "Reject"} ${item.intent.action}`;
  return (
    <Dialog
      open={decision !== null}
      title={title}
      description={
        <>
          on <span className="break-all font-mono">{item.intent.resource}</span> for machine {item.machine.name}. Your passkey signs the decision.
        </>
      }
      onRequestClose={onClose}
      size="lg"
    >
      {decision ? <DecisionForm item={item} decision={decision} onCancel={onClose} onDecided={(r) => onDecided(r, decision)} onRefused={onRefused} /> : null}
    </Dialog>
  );
}

function DecisionForm({
  item,
  decision,
  onCancel,
  onDecided,
  onRefused,
}: {
  item: ApprovalQueueItem;
  decision: ApprovalDecision;
  onCancel: () => void;
  onDecided: (result: ApprovalDecisionResult) => void;
  onRefused: () => void;
}) {
  const approve = decision === "approve";
  // The window that applies: the policy's, or the server's default when the policy sets none.
  const maxWindow = item.obligation.executionWindowLimitSeconds;
  const [reason, setReason] = useState("");
  const [windowChoice, setWindowChoice] = useState(POLICY_WINDOW);
  const [customSeconds, setCustomSeconds] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [windowError, setWindowError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [statement, setStatement] = useState<ApprovalStatement | null>(null);

  const presets = PRESETS.filter((s) => s < maxWindow);
  const windowOptions = [
    { value: POLICY_WINDOW, label: `The policy's window: ${formatDuration(maxWindow)}` },
    ...presets.map((s) => ({ value: String(s), label: formatDuration(s) })),
    { value: CUSTOM_WINDOW, label: "Other (seconds)…" },
  ];
  const chosen: { seconds?: number; error?: string } = approve ? chosenWindow(windowChoice, customSeconds, maxWindow) : {};

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    const badReason = trimmed === "" ? "Give a reason: it is signed with the decision and kept in the audit trail." : null;
    setReasonError(badReason);
    setWindowError(chosen.error ?? null);
    if (badReason || chosen.error) return;
    setBusy(true);
    setError(null);
    try {
      const request = { decision, reason: trimmed, ...(chosen.seconds !== undefined ? { executionWindowSeconds: chosen.seconds } : {}) };
      const result = await decideWithPasskey(item.intent.id, request, { intentHash: item.intent.hash, onStatement: setStatement });
      onDecided(result);
    } catch (caught) {
      setError(decisionErrorText(caught));
      setStatement(null);
      onRefused();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <TextAreaField
        label="Reason (required)"
        hint={`Signed with your decision and kept in the audit trail. At most ${MAX_APPROVAL_REASON} characters.`}
        value={reason}
        onChange={(e) => {
          setReason(e.currentTarget.value);
          setReasonError(null);
        }}
        maxLength={MAX_APPROVAL_REASON}
        rows={3}
        required
        error={reasonError}
        data-autofocus
        disabled={busy}
      />
      {approve ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField
            label="Execution window"
            hint="How long the machine has to execute once the last approval is in. You may shorten it."
            value={windowChoice}
            onChange={(e) => {
              setWindowChoice(e.currentTarget.value);
              setWindowError(null);
            }}
            options={windowOptions}
            error={windowChoice === CUSTOM_WINDOW ? null : windowError}
            disabled={busy}
          />
          {windowChoice === CUSTOM_WINDOW ? (
            <InputField
              label="Seconds"
              type="number"
              inputMode="numeric"
              min={1}
              max={maxWindow}
              value={customSeconds}
              onChange={(e) => {
                setCustomSeconds(e.currentTarget.value);
                setWindowError(null);
              }}
              error={windowError}
              disabled={busy}
            />
          ) : null}
        </div>
      ) : null}
      <WhatIsSigned item={item} decision={decision} reason={reason.trim()} windowSeconds={chosen.seconds ?? null} statement={statement} />
      <ErrorMessage>{error}</ErrorMessage>
      <FormActions onCancel={onCancel} cancelDisabled={busy}>
        <SubmitButton pending={busy} pendingLabel="Waiting for your passkey…" variant={approve ? "primary" : "danger"}>
          {approve ? "Approve with passkey" : "Reject with passkey"}
        </SubmitButton>
      </FormActions>
    </form>
  );
}

/** The commitment, before signing (from what is shown) and while the passkey prompt is open (the server's exact statement). */
function WhatIsSigned({
  item,
  decision,
  reason,
  windowSeconds,
  statement,
}: {
  item: ApprovalQueueItem;
  decision: ApprovalDecision;
  reason: string;
  windowSeconds: number | null;
  statement: ApprovalStatement | null;
}) {
  return (
    <section aria-label="What your passkey signs" className="rounded-md border border-zinc-200 bg-zinc-50 p-3 text-sm dark:border-zinc-700 dark:bg-zinc-950">
      <h3 className="font-medium">What your passkey signs</h3>
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        The challenge is the SHA-256 of this approval statement, so anyone can later check that your passkey {decision === "approve" ? "approved" : "rejected"} exactly this intent.
      </p>
      {statement ? (
        <pre aria-label="Approval statement" className="mt-2 max-h-60 overflow-auto whitespace-pre-wrap break-all font-mono text-xs">
          <code>{JSON.stringify(statement, null, 2)}</code>
        </pre>
      ) : (
        <dl className="mt-2 grid gap-x-4 gap-y-1 text-xs sm:grid-cols-[9rem_1fr]">
          <dt className="text-zinc-600 dark:text-zinc-400">Intent hash</dt>
          <dd className="break-all font-mono" data-testid="signed-intent-hash">
            {item.intent.hash}
          </dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Decision</dt>
          <dd className="font-mono" data-testid="signed-decision">
            {decision}
          </dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Reason</dt>
          <dd className="whitespace-pre-wrap break-words">{reason || <span className="text-zinc-600 dark:text-zinc-400">(not given yet)</span>}</dd>
          {decision === "approve" ? (
            <>
              <dt className="text-zinc-600 dark:text-zinc-400">Execution window</dt>
              <dd>{windowSeconds !== null ? `${formatDuration(windowSeconds)} (${windowSeconds} s)` : "the policy's"}</dd>
            </>
          ) : null}
        </dl>
      )}
    </section>
  );
}
