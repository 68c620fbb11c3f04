/**
 * Receiving PTERI's webhooks: verifyWebhook checks a delivery the way a resource service
 * checks a machine's request (verifyIncomingRequest, so the same RFC 9421 verifier), against
 * the one key it pinned: PTERI's webhook key from /.well-known/pteri-webhook-key. In order:
 * signature (covering method, target URI, content type and content digest), created/expires
 * window, the signature's `pteri-webhook` tag, the body against its Content-Digest, single
 * use of the nonce; then the body is parsed as the event.
 *
 * Deliveries are at least once: the same event (same `id`) can arrive again; drop duplicates
 * by id.
 */
import type { Ed25519Backend } from "../protocol";
import { WEBHOOK_SIGNATURE_TAG, type WebhookEvent, type WebhookKeyDocument } from "../webhooks/wire";
import { staticKeyResolver } from "./keys";
import type { NonceStore } from "./nonce-store";
import { verifyIncomingRequest, type IncomingRequestLike, type IncomingVerifyFailure } from "./verify-incoming";

export type { WebhookEvent, IntentWebhookEvent, TestWebhookEvent, WebhookKeyDocument } from "../webhooks/wire";

export type VerifyWebhookOptions = {
  /** The pinned key: the /.well-known/pteri-webhook-key document, its publicJwk, or an SPKI PEM. */
  publicKey: WebhookKeyDocument | object | string;
  /** The URL PTERI reaches this receiver at, as an origin (e.g. https://hooks.example.com). */
  publicUrl: string | URL;
  /** Clock in seconds since the epoch. */
  now?: () => number;
  /** Default: one in-memory store shared by every call in this process. */
  nonceStore?: NonceStore;
  backend?: Ed25519Backend;
  /** Largest body read from a Request; default 1 MiB. */
  maxBodyBytes?: number;
};

export type WebhookVerifyFailure = Omit<IncomingVerifyFailure, "code"> & { code: IncomingVerifyFailure["code"] | "tag_mismatch" | "payload_invalid" };
export type WebhookVerifyResult = { ok: true; event: WebhookEvent; keyId: string; signatureBase: string } | WebhookVerifyFailure;

function pinnedKey(input: VerifyWebhookOptions["publicKey"]): object | string {
  return typeof input === "object" && input !== null && "publicJwk" in input ? (input as WebhookKeyDocument).publicJwk : input;
}

export async function verifyWebhook(request: IncomingRequestLike, options: VerifyWebhookOptions): Promise<WebhookVerifyResult> {
  const result = await verifyIncomingRequest(request, {
    publicUrl: options.publicUrl,
    resolveKey: staticKeyResolver([pinnedKey(options.publicKey)]),
    nonceStore: options.nonceStore,
    now: options.now,
    backend: options.backend,
    maxBodyBytes: options.maxBodyBytes,
  });
  if (!result.ok) return result;
  const { label, signatureBase } = result;
  if (result.params.tag !== WEBHOOK_SIGNATURE_TAG) {
    return { ok: false, code: "tag_mismatch", message: `The signature is not tagged "${WEBHOOK_SIGNATURE_TAG}"; it was not made for a webhook delivery.`, label, signatureBase };
  }
  const event = parseEvent(result.body);
  if (!event) return { ok: false, code: "payload_invalid", message: "The body is not a PTERI webhook event (a JSON object with id, type and createdAt).", label, signatureBase };
  return { ok: true, event, keyId: result.keyId, signatureBase };
}

function parseEvent(body: Uint8Array): WebhookEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { id, type, createdAt } = value as Record<string, unknown>;
  return typeof id === "string" && typeof type === "string" && typeof createdAt === "string" ? (value as WebhookEvent) : null;
}
