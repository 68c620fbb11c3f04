/**
 * The one call domain code makes to notify webhook receivers, inside the write transaction
 * of the change it reports (an outbox: the delivery rows commit with the event or not at all).
 * Delivery happens later, with retries (dispatch.ts); see docs/webhooks.md.
 */
import type { WriteTx } from "../db/transaction";
import type { IntentRecord } from "../intents/model";
import { consoleLink, enqueue, newEventId, subscribersOf } from "./outbox";
import { WEBHOOK_EVENT_TYPES, type IntentWebhookEvent, type WebhookEventType } from "./wire";

export const INTENT_NOTIFICATIONS = WEBHOOK_EVENT_TYPES;
export type IntentNotification = WebhookEventType;

export interface IntentNotificationInput {
  type: IntentNotification;
  intent: IntentRecord;
  /** The audit entry that records the change. */
  auditSeq: number;
  /** For decisions: who decided, and why. */
  decidedBy?: { operatorId: string; operatorName: string; decision: "approve" | "reject"; reason: string }[];
}

export async function notifyIntentEvent(tx: WriteTx, input: IntentNotificationInput, now: Date): Promise<void> {
  const endpoints = await subscribersOf(tx, input.type);
  if (endpoints.length === 0) return;
  const { intent } = input;
  const machine = await tx.machine.findUnique({ where: { id: intent.machineId }, select: { name: true } });
  const event: IntentWebhookEvent = {
    id: newEventId(),
    type: input.type,
    createdAt: now.toISOString(),
    intent: {
      id: intent.id,
      hash: intent.hash,
      machineId: intent.machineId,
      ...(machine ? { machineName: machine.name } : {}),
      action: intent.action,
      resource: intent.resource,
      audience: intent.audience,
      status: intent.status,
      expiresAt: intent.expiresAt.toISOString(),
    },
    ...(input.decidedBy ? { decidedBy: input.decidedBy.map(({ operatorId, operatorName, decision, reason }) => ({ operatorId, operatorName, decision, reason })) } : {}),
    auditSeq: input.auditSeq,
    links: { console: consoleLink(`/approvals/${encodeURIComponent(intent.id)}`) },
  };
  await enqueue(tx, event, endpoints, now);
}
