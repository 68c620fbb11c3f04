"use client";

import { useState } from "react";
import { ErrorMessage, Loading, SuccessMessage } from "../ui/alert";
import { Button } from "../ui/button";
import { Section } from "../ui/section";
import type { WebhookEndpointView, WebhookList } from "@/lib/webhooks/wire";
import { DeliveryLog } from "./delivery-log";
import { EndpointDialog } from "./endpoint-dialog";
import { sendTestCall, updateWebhookCall, useWebhookMutation, useWebhooks } from "./queries";

/** Settings → Webhooks: the endpoints, their delivery logs, and the key receivers pin. Read-only without settings.manage. */
export function WebhooksSection({ canManage }: { canManage: boolean }) {
  const list = useWebhooks();
  const [adding, setAdding] = useState(false);
  return (
    <Section
      title="Webhooks"
      description="Signed notifications of pending intents and decisions, with retries and a delivery log."
      actions={canManage ? <Button variant="primary" onClick={() => setAdding(true)}>Add endpoint</Button> : null}
    >
      {list.isPending ? <Loading label="Loading webhooks…" /> : list.isError ? <ErrorMessage>Could not load webhooks: {list.error.message}</ErrorMessage> : <Loaded list={list.data} canManage={canManage} />}
      <EndpointDialog open={adding} onClose={() => setAdding(false)} />
    </Section>
  );
}

function Loaded({ list, canManage }: { list: WebhookList; canManage: boolean }) {
  return (
    <div className="space-y-6">
      <SigningKey signingKey={list.signingKey} />
      {list.endpoints.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No endpoints yet.{canManage ? " Add one to be told when an intent waits for approval and when it is decided." : " An administrator can add one."}
        </p>
      ) : (
        <ul aria-label="Webhook endpoints" className="space-y-4">
          {list.endpoints.map((e) => (
            <EndpointItem key={e.id} endpoint={e} canManage={canManage} />
          ))}
        </ul>
      )}
    </div>
  );
}

function SigningKey({ signingKey }: { signingKey: WebhookList["signingKey"] }) {
  if (!signingKey) return <ErrorMessage>The webhook signing key could not be loaded; the server log says why. Nothing can be delivered until it is fixed.</ErrorMessage>;
  return (
    <div className="rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800">
      <p className="font-medium">Signing key</p>
      <p className="mt-1 text-zinc-600 dark:text-zinc-400">
        Every delivery is signed (RFC 9421) with this key, tagged <code className="font-mono">{signingKey.tag}</code>. Receivers pin it and check deliveries with the SDK&apos;s{" "}
        <code className="font-mono">verifyWebhook</code>. Published at{" "}
        <a className="break-all underline" href={signingKey.url}>
          {signingKey.url}
        </a>
        .
      </p>
      <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="text-zinc-600 dark:text-zinc-400">Key id</dt>
        <dd className="break-all font-mono text-xs" data-testid="webhook-key-id">
          {signingKey.keyId}
        </dd>
        <dt className="text-zinc-600 dark:text-zinc-400">Fingerprint</dt>
        <dd className="font-mono text-xs">{signingKey.fingerprint}</dd>
      </dl>
    </div>
  );
}

function EndpointItem({ endpoint: e, canManage }: { endpoint: WebhookEndpointView; canManage: boolean }) {
  const [editing, setEditing] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const toggle = useWebhookMutation(updateWebhookCall);
  const test = useWebhookMutation(sendTestCall);
  const logId = `webhook-log-${e.id}`;
  return (
    <li className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800" aria-label={`Webhook endpoint ${e.url}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 flex-1">
          <p className="break-all font-mono text-sm">{e.url}</p>
          {e.description ? <p className="break-words text-sm text-zinc-600 dark:text-zinc-400">{e.description}</p> : null}
          <p className="mt-1 flex flex-wrap items-center gap-1 text-xs">
            <span
              className={`rounded-full border px-2 py-0.5 font-medium ${e.enabled ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "border-zinc-400 bg-zinc-100 text-zinc-800 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200"}`}
            >
              {e.enabled ? "● Enabled" : "‖ Disabled"}
            </span>
            {e.events.map((t) => (
              <span key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
                {t}
              </span>
            ))}
          </p>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            {e.deliveries.delivered} delivered · {e.deliveries.pending} pending · {e.deliveries.failed} failed
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button aria-expanded={showLog} aria-controls={logId} onClick={() => setShowLog((v) => !v)}>
            {showLog ? "Hide deliveries" : "Deliveries"}
          </Button>
          {canManage ? (
            <>
              <Button onClick={() => test.mutate(e.id, { onSuccess: () => setShowLog(true) })} disabled={!e.enabled || test.isPending} title={e.enabled ? undefined : "Enable the endpoint first"}>
                Send test
              </Button>
              <Button onClick={() => setEditing(true)}>Edit</Button>
              <Button onClick={() => toggle.mutate({ id: e.id, enabled: !e.enabled })} disabled={toggle.isPending}>
                {e.enabled ? "Disable" : "Enable"}
              </Button>
            </>
          ) : null}
        </div>
      </div>
      <div className="mt-2 space-y-2">
        {test.isSuccess ? <SuccessMessage>Test event queued; it is sent within a few seconds.</SuccessMessage> : null}
        <ErrorMessage>{test.error?.message ?? toggle.error?.message}</ErrorMessage>
      </div>
      {showLog ? (
        <div id={logId} className="mt-3">
          <DeliveryLog endpointId={e.id} label={`Deliveries to ${e.url}`} canManage={canManage} />
        </div>
      ) : null}
      <EndpointDialog open={editing} endpoint={e} onClose={() => setEditing(false)} />
    </li>
  );
}
