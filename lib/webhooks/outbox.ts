/**
 * The outbox: a notification becomes one WebhookDelivery row per receiving endpoint, written
 * in the caller's write transaction, so it commits with the change it reports or not at all.
 * The row holds the exact body bytes, so every attempt and redelivery sends the same event
 * (same id) that receivers can deduplicate. The dispatcher (dispatch.ts) sends them later.
 */
import { loadConfig } from "../config/env";
import type { Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { base64UrlEncode } from "../protocol/encoding";
import { WEBHOOK_EVENT_TYPES, type WebhookDeliveryType, type WebhookEvent, type WebhookEventType } from "./wire";

export function newEventId(): string {
  return `evt_${base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/** A link into the Console, under its public URL (which may have a path prefix). */
export function consoleLink(path: string): string {
  const base = loadConfig().publicUrl.href;
  return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`).href;
}

/** The endpoint's subscriptions as stored (a JSON array); anything unknown is dropped. */
export function parseEvents(stored: string): WebhookEventType[] {
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? WEBHOOK_EVENT_TYPES.filter((t) => value.includes(t)) : [];
  } catch {
    return [];
  }
}

/** The enabled endpoints subscribed to `type`. */
export async function subscribersOf(tx: Tx, type: WebhookEventType): Promise<string[]> {
  const endpoints = await tx.webhookEndpoint.findMany({ where: { enabled: true }, select: { id: true, events: true } });
  return endpoints.filter((e) => parseEvents(e.events).includes(type)).map((e) => e.id);
}

/** Queues `event` for each endpoint, due at once. */
export async function enqueue(tx: WriteTx, event: WebhookEvent, endpointIds: readonly string[], now: Date): Promise<void> {
  if (endpointIds.length === 0) return;
  const payload = JSON.stringify(event);
  const eventType: WebhookDeliveryType = event.type;
  await tx.webhookDelivery.createMany({ data: endpointIds.map((endpointId) => ({ endpointId, eventType, payload, status: "pending", nextAttemptAt: now, createdAt: now })) });
}
