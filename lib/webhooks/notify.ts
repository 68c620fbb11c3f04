/**
 * The one call domain code makes to notify webhook receivers, inside the write transaction
 * of the change it reports (an outbox: the delivery rows commit with the event or not at all).
 * Delivery happens later, with retries (lib/webhooks).
 */
import type { WriteTx } from "../db/transaction";
import type { IntentRecord } from "../intents/model";

export const INTENT_NOTIFICATIONS = ["intent.pending", "intent.approved", "intent.rejected", "intent.expired"] as const;
export type IntentNotification = (typeof INTENT_NOTIFICATIONS)[number];

export interface IntentNotificationInput {
  type: IntentNotification;
  intent: IntentRecord;
  /** The audit entry that records the change. */
  auditSeq: number;
  /** For decisions: who decided, and why. */
  decidedBy?: { operatorId: string; operatorName: string; decision: "approve" | "reject"; reason: string }[];
}

export async function notifyIntentEvent(tx: WriteTx, input: IntentNotificationInput, now: Date): Promise<void> {
  void tx;
  void input;
  void now;
  // Implemented by the webhooks module (queued deliveries); see docs/webhooks.md.
}
