/**
 * What PTERI's webhooks look like on the wire, for both sides: the deliveries receivers get
 * (and check with the SDK's verifyWebhook), and the Console's admin API (app/api/webhooks/**)
 * that the Settings page uses. Portable: no server imports.
 */
import type { PublicJwk } from "../protocol/keys";
import type { IntentStatus } from "../intents/wire";

export const WEBHOOK_KEY_PATH = "/.well-known/pteri-webhook-key";
export const WEBHOOKS_PATH = "/api/webhooks";
/** The signature's `tag` parameter: a receiver accepts only signatures made for webhooks. */
export const WEBHOOK_SIGNATURE_TAG = "pteri-webhook";
/** What the signature covers, in this order. */
export const WEBHOOK_SIGNED_COMPONENTS = ["@method", "@target-uri", "content-type", "content-digest"] as const;
export const WEBHOOK_ID_HEADER = "pteri-webhook-id";
export const WEBHOOK_EVENT_HEADER = "pteri-webhook-event";

/** Events an endpoint can subscribe to (webhook.test is sent on request, to one endpoint). */
export const WEBHOOK_EVENT_TYPES = ["intent.pending", "intent.approved", "intent.rejected", "intent.expired"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookDeliveryType = WebhookEventType | "webhook.test";

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const MAX_WEBHOOK_URL = 2048;
export const MAX_WEBHOOK_DESCRIPTION = 200;

/** The intent as a notification describes it: no parameters (they may be sensitive). */
export interface WebhookIntent {
  id: string;
  /** Hex SHA-256 of the intent's canonical document. */
  hash: string;
  machineId: string;
  machineName?: string;
  action: string;
  resource: string;
  audience: string;
  status: IntentStatus;
  expiresAt: string;
}

export interface WebhookDecider {
  operatorId: string;
  operatorName: string;
  decision: "approve" | "reject";
  reason: string;
}

interface WebhookEventBase {
  /** The event's id: the same on every attempt and redelivery, so receivers can drop duplicates. */
  id: string;
  createdAt: string;
  /** The audit entry that records what happened. */
  auditSeq: number;
  links: { console: string };
}

export interface IntentWebhookEvent extends WebhookEventBase {
  type: WebhookEventType;
  intent: WebhookIntent;
  /** intent.approved / intent.rejected: the decisions, in order. */
  decidedBy?: WebhookDecider[];
}

export interface TestWebhookEvent extends WebhookEventBase {
  type: "webhook.test";
  endpointId: string;
}

export type WebhookEvent = IntentWebhookEvent | TestWebhookEvent;

/** GET /.well-known/pteri-webhook-key */
export interface WebhookKeyDocument {
  keyId: string;
  fingerprint: string;
  publicJwk: PublicJwk;
  alg: "ed25519";
  tag: typeof WEBHOOK_SIGNATURE_TAG;
}

// Admin API (session cookie): settings.read to read, settings.manage to change.

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  deliveries: Record<WebhookDeliveryStatus, number>;
  lastDeliveryAt: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: WebhookDeliveryType;
  status: WebhookDeliveryStatus;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** pending: when the next attempt is due. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** GET /api/webhooks */
export interface WebhookList {
  endpoints: WebhookEndpointView[];
  signingKey: (WebhookKeyDocument & { url: string }) | null;
}

/** GET /api/webhooks/{id}/deliveries?page=&pageSize= (newest first) */
export interface WebhookDeliveryPage {
  items: WebhookDeliveryView[];
  total: number;
  page: number;
  pageSize: number;
}

/** POST /api/webhooks, PATCH /api/webhooks/{id} (every member optional) */
export interface WebhookEndpointInput {
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
}
