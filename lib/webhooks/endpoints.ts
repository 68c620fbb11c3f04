/**
 * Webhook endpoints as administrators manage them: each change commits with its audit entry
 * in the caller's write transaction. An endpoint that has deliveries is never deleted, only
 * disabled: its delivery log is the record of what PTERI sent where.
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { eventIdOf, MAX_ATTEMPTS } from "./dispatch";
import { WebhookError } from "./errors";
import { WEBHOOK_AUDIT_EVENTS } from "./events";
import { consoleLink, enqueue, newEventId, parseEvents } from "./outbox";
import type { CreateWebhookInput, UpdateWebhookInput } from "./schemas";
import { checkWebhookUrl } from "./url";
import {
  WEBHOOK_DELIVERY_STATUSES,
  type TestWebhookEvent,
  type WebhookDeliveryPage,
  type WebhookDeliveryStatus,
  type WebhookDeliveryType,
  type WebhookDeliveryView,
  type WebhookEndpointView,
} from "./wire";

type EndpointRow = { id: string; url: string; description: string; events: string; enabled: boolean; createdAt: Date; updatedAt: Date };

function endpointView(row: EndpointRow, counts: Record<WebhookDeliveryStatus, number>, lastDeliveryAt: Date | null): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: parseEvents(row.events),
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deliveries: counts,
    lastDeliveryAt: lastDeliveryAt?.toISOString() ?? null,
  };
}

const noCounts = (): Record<WebhookDeliveryStatus, number> => ({ pending: 0, delivered: 0, failed: 0 });

export async function listEndpoints(db: Db): Promise<WebhookEndpointView[]> {
  const [rows, groups] = await Promise.all([
    db.webhookEndpoint.findMany({ orderBy: { createdAt: "asc" } }),
    db.webhookDelivery.groupBy({ by: ["endpointId", "status"], _count: { _all: true }, _max: { createdAt: true } }),
  ]);
  return rows.map((row) => {
    const counts = noCounts();
    let last: Date | null = null;
    for (const g of groups.filter((g) => g.endpointId === row.id)) {
      if ((WEBHOOK_DELIVERY_STATUSES as readonly string[]).includes(g.status)) counts[g.status as WebhookDeliveryStatus] = g._count._all;
      if (g._max.createdAt && (!last || g._max.createdAt > last)) last = g._max.createdAt;
    }
    return endpointView(row, counts, last);
  });
}

async function loadEndpoint(tx: WriteTx | Db, id: string): Promise<EndpointRow> {
  const row = await tx.webhookEndpoint.findUnique({ where: { id } });
  if (!row) throw new WebhookError("not_found", "There is no webhook endpoint with that id.");
  return row;
}

/** The endpoint as the audit log records it. */
const described = (row: Pick<EndpointRow, "url" | "description" | "events" | "enabled">) => ({ url: row.url, description: row.description, events: parseEvents(row.events), enabled: row.enabled });

export async function createEndpoint(tx: WriteTx, actor: AuditActor, input: CreateWebhookInput, now = new Date()): Promise<string> {
  const url = checkWebhookUrl(input.url);
  const row = await tx.webhookEndpoint.create({ data: { url, description: input.description, events: JSON.stringify(input.events), enabled: input.enabled, createdById: actor.id, createdAt: now } });
  await recordAuditEvent(tx, {
    type: WEBHOOK_AUDIT_EVENTS.created,
    actor,
    summary: `Webhook endpoint ${url} added for ${input.events.join(", ")}${input.enabled ? "" : " (disabled)"}.`,
    evidence: { endpointId: row.id, ...described(row) },
    time: now,
  });
  return row.id;
}

export async function updateEndpoint(tx: WriteTx, actor: AuditActor, id: string, input: UpdateWebhookInput, now = new Date()): Promise<void> {
  const before = await loadEndpoint(tx, id);
  const data = {
    ...(input.url !== undefined ? { url: checkWebhookUrl(input.url) } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.events !== undefined ? { events: JSON.stringify(input.events) } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
  };
  const after = { ...before, ...data };
  const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return;
  await tx.webhookEndpoint.update({ where: { id }, data: { ...data, updatedAt: now } });
  const what = changed.length === 1 && changed[0] === "enabled" ? (after.enabled ? "enabled" : "disabled") : `changed (${changed.join(", ")})`;
  await recordAuditEvent(tx, {
    type: WEBHOOK_AUDIT_EVENTS.updated,
    actor,
    summary: `Webhook endpoint ${after.url} ${what}.`,
    evidence: { endpointId: id, changed, before: described(before), after: described(after) },
    time: now,
  });
}

export async function deleteEndpoint(tx: WriteTx, actor: AuditActor, id: string, now = new Date()): Promise<void> {
  const row = await loadEndpoint(tx, id);
  if ((await tx.webhookDelivery.count({ where: { endpointId: id } })) > 0) {
    throw new WebhookError("has_deliveries", "This endpoint has deliveries, and its delivery log is the record of what was sent where: disable it instead.");
  }
  await tx.webhookEndpoint.delete({ where: { id } });
  await recordAuditEvent(tx, { type: WEBHOOK_AUDIT_EVENTS.deleted, actor, summary: `Webhook endpoint ${row.url} deleted (it had no deliveries).`, evidence: { endpointId: id, ...described(row) }, time: now });
}

/** Queues a webhook.test event for one enabled endpoint; returns the delivery's event id. */
export async function sendTest(tx: WriteTx, actor: AuditActor, id: string, now = new Date()): Promise<string> {
  const row = await loadEndpoint(tx, id);
  if (!row.enabled) throw new WebhookError("endpoint_disabled", "This endpoint is disabled; enable it before sending a test.");
  const eventId = newEventId();
  const entry = await recordAuditEvent(tx, { type: WEBHOOK_AUDIT_EVENTS.testRequested, actor, summary: `Test event sent to webhook endpoint ${row.url}.`, evidence: { endpointId: id, eventId }, time: now });
  const event: TestWebhookEvent = { id: eventId, type: "webhook.test", createdAt: now.toISOString(), endpointId: id, auditSeq: entry.seq, links: { console: consoleLink("/settings") } };
  await enqueue(tx, event, [id], now);
  return eventId;
}

/** Sends a failed delivery again: the same bytes (same event id), with a fresh round of attempts. */
export async function redeliver(tx: WriteTx, actor: AuditActor, endpointId: string, deliveryId: string, now = new Date()): Promise<void> {
  const endpoint = await loadEndpoint(tx, endpointId);
  const delivery = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId } });
  if (!delivery) throw new WebhookError("not_found", "There is no such delivery for this endpoint.");
  if (delivery.status !== "failed") throw new WebhookError("not_redeliverable", "Only a failed delivery can be sent again; this one is still being tried or was delivered.");
  if (!endpoint.enabled) throw new WebhookError("endpoint_disabled", "This endpoint is disabled; enable it before redelivering.");
  const { count } = await tx.webhookDelivery.updateMany({ where: { id: deliveryId, status: "failed" }, data: { status: "pending", attempts: 0, nextAttemptAt: now } });
  if (count !== 1) throw new WebhookError("not_redeliverable", "This delivery changed meanwhile; reload the log.");
  await recordAuditEvent(tx, {
    type: WEBHOOK_AUDIT_EVENTS.redeliveryRequested,
    actor,
    summary: `Failed ${delivery.eventType} delivery to webhook endpoint ${endpoint.url} queued again.`,
    evidence: { endpointId, deliveryId, eventType: delivery.eventType, previousAttempts: delivery.attempts, lastStatusCode: delivery.lastStatusCode, lastError: delivery.lastError },
    time: now,
  });
}

export const DELIVERY_PAGE_SIZES = [10, 20, 50] as const;

export async function listDeliveries(db: Db, endpointId: string, page: number, pageSize: number): Promise<WebhookDeliveryPage> {
  await loadEndpoint(db, endpointId);
  const [rows, total] = await Promise.all([
    db.webhookDelivery.findMany({ where: { endpointId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page - 1) * pageSize, take: pageSize }),
    db.webhookDelivery.count({ where: { endpointId } }),
  ]);
  return { items: rows.map(deliveryView), total, page, pageSize };
}

function deliveryView(row: {
  id: string;
  eventType: string;
  payload: string;
  status: string;
  attempts: number;
  createdAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
}): WebhookDeliveryView {
  const status = (WEBHOOK_DELIVERY_STATUSES as readonly string[]).includes(row.status) ? (row.status as WebhookDeliveryStatus) : "failed";
  return {
    id: row.id,
    eventId: eventIdOf(row.payload),
    eventType: row.eventType as WebhookDeliveryType,
    status,
    attempts: row.attempts,
    maxAttempts: MAX_ATTEMPTS,
    createdAt: row.createdAt.toISOString(),
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: status === "pending" ? row.nextAttemptAt.toISOString() : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}
