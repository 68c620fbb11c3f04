"use client";

import { useState } from "react";
import { ErrorMessage } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { CheckboxList, InputField } from "../ui/field";
import { FormActions, SubmitButton } from "../ui/form-actions";
import { MAX_WEBHOOK_DESCRIPTION, MAX_WEBHOOK_URL, WEBHOOK_EVENT_TYPES, type WebhookEndpointView, type WebhookEventType } from "@/lib/webhooks/wire";
import { createWebhookCall, updateWebhookCall, useWebhookMutation } from "./queries";

export const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "intent.pending": "A machine's intent waits for approval.",
  "intent.approved": "An intent got the approvals it needed.",
  "intent.rejected": "An approver rejected an intent.",
  "intent.expired": "A pending intent was not decided in time.",
};

/** Adds an endpoint (no `endpoint`) or edits one. */
export function EndpointDialog({ open, endpoint, onClose }: { open: boolean; endpoint?: WebhookEndpointView; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      title={endpoint ? "Edit webhook endpoint" : "Add webhook endpoint"}
      description="PTERI POSTs a signed JSON event to this URL. Receivers verify the signature with the key shown on this page."
      onRequestClose={onClose}
    >
      <EndpointForm endpoint={endpoint} onDone={onClose} />
    </Dialog>
  );
}

function EndpointForm({ endpoint, onDone }: { endpoint?: WebhookEndpointView; onDone: () => void }) {
  const [events, setEvents] = useState<string[]>(endpoint?.events ?? ["intent.pending", "intent.approved", "intent.rejected", "intent.expired"]);
  const create = useWebhookMutation(createWebhookCall);
  const update = useWebhookMutation(updateWebhookCall);
  const mutation = endpoint ? update : create;
  const noEvents = events.length === 0;
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const input = {
          url: String(data.get("url") ?? "").trim(),
          description: String(data.get("description") ?? "").trim(),
          events: WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t)),
        };
        if (noEvents) return;
        if (endpoint) update.mutate({ id: endpoint.id, ...input }, { onSuccess: onDone });
        else create.mutate({ ...input, enabled: true }, { onSuccess: onDone });
      }}
    >
      <InputField
        label="URL"
        name="url"
        type="url"
        required
        maxLength={MAX_WEBHOOK_URL}
        defaultValue={endpoint?.url}
        placeholder="https://hooks.example.com/pteri"
        hint="https:// (plain http:// only for localhost and private-network addresses). No user name or password: receivers check PTERI's signature instead."
        data-autofocus
      />
      <InputField label="Description (optional)" name="description" maxLength={MAX_WEBHOOK_DESCRIPTION} defaultValue={endpoint?.description} />
      <CheckboxList legend="Events" name="events" options={WEBHOOK_EVENT_TYPES.map((t) => ({ value: t, description: EVENT_DESCRIPTIONS[t] }))} selected={events} onChange={setEvents} columns={2} />
      {noEvents ? <p className="text-sm text-red-700 dark:text-red-300">Choose at least one event.</p> : null}
      <ErrorMessage>{mutation.error?.message}</ErrorMessage>
      <FormActions onCancel={onDone} cancelDisabled={mutation.isPending}>
        <SubmitButton pending={mutation.isPending} pendingLabel="Saving…" disabled={noEvents}>
          {endpoint ? "Save changes" : "Add endpoint"}
        </SubmitButton>
      </FormActions>
    </form>
  );
}
