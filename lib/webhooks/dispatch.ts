/**
 * Sending queued deliveries (outbox.ts). Each round:
 *
 *  1. claims the due deliveries with a conditional update (status, attempt count and due time
 *     unchanged), which also pushes their due time a lease ahead: two Console instances never
 *     send the same attempt twice, and an attempt cut short by a crash is retried after the
 *     lease;
 *  2. POSTs each one, signed per RFC 9421 with PTERI's webhook key, with a timeout and
 *     without following redirects;
 *  3. records the outcome, only if the claim is still its own: 2xx is delivered; anything
 *     else is retried after the next backoff step, or failed after the last.
 *
 * Delivery is at least once: a receiver that answered 2xx after the timeout gets the event
 * again, with the same id.
 */
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { createContentDigest } from "../protocol/digest";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { signRequest } from "../protocol/httpsig/sign";
import type { PrivateKeyInfo } from "../protocol/keys";
import { PTERI_VERSION } from "../version";
import { WEBHOOK_EVENT_HEADER, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_TAG, WEBHOOK_SIGNED_COMPONENTS } from "./wire";

/** Waits before each retry: attempt n+1 is due RETRY_DELAYS_SECONDS[n-1] after attempt n failed. */
export const RETRY_DELAYS_SECONDS = [10, 60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Longer than the timeout: a claimed attempt is only taken over once it cannot still be running. */
export const CLAIM_LEASE_MS = 60_000;
export const DISPATCH_BATCH = 20;
const MAX_ERROR = 300;
const MAX_EXCERPT = 200;

export interface DispatchOptions {
  key: PrivateKeyInfo;
  now?: Date;
  fetch?: typeof fetch;
  timeoutMs?: number;
  limit?: number;
}

export interface DispatchSummary {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  id: string;
  url: string;
  eventType: string;
  payload: string;
  /** This attempt's number (1-based). */
  attempt: number;
}

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

export async function dispatchDue(db: Db, options: DispatchOptions): Promise<DispatchSummary> {
  // A fixed clock (tests) or the real one, read again when each outcome is recorded.
  const clock = () => options.now ?? new Date();
  const now = clock();
  const claimed = await claimDue(db, now, options.limit ?? DISPATCH_BATCH);
  const summary: DispatchSummary = { attempted: claimed.length, delivered: 0, retrying: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (delivery) => {
      const outcome = await send(delivery, options, now);
      const status = await record(db, delivery, outcome, clock());
      if (status) summary[status === "pending" ? "retrying" : status]++;
    }),
  );
  return summary;
}

async function claimDue(db: Db, now: Date, limit: number): Promise<Claimed[]> {
  return writeTransaction(db, async (tx) => {
    const due = await tx.webhookDelivery.findMany({
      // A disabled endpoint gets nothing; its queued deliveries wait until it is enabled again.
      where: { status: "pending", nextAttemptAt: { lte: now }, endpoint: { enabled: true } },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
      include: { endpoint: { select: { url: true } } },
    });
    const claimed: Claimed[] = [];
    for (const row of due) {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: row.id, status: "pending", attempts: row.attempts, nextAttemptAt: row.nextAttemptAt },
        data: { attempts: row.attempts + 1, lastAttemptAt: now, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) },
      });
      if (count === 1) claimed.push({ id: row.id, url: row.endpoint.url, eventType: row.eventType, payload: row.payload, attempt: row.attempts + 1 });
    }
    return claimed;
  });
}

/** The signed request for one attempt (a fresh signature each time; the body never changes). */
export async function signedDelivery(delivery: Pick<Claimed, "url" | "eventType" | "payload">, key: PrivateKeyInfo, now: Date): Promise<{ headers: Record<string, string>; body: string }> {
  const eventId = eventIdOf(delivery.payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-digest": createContentDigest(delivery.payload),
    "user-agent": `PTERI-Webhook/${PTERI_VERSION}`,
    [WEBHOOK_EVENT_HEADER]: delivery.eventType,
    ...(eventId ? { [WEBHOOK_ID_HEADER]: eventId } : {}),
  };
  const signed = await signRequest(
    { method: "POST", targetUri: delivery.url, headers, body: delivery.payload },
    { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: WEBHOOK_SIGNED_COMPONENTS, created: Math.floor(now.getTime() / 1000), tag: WEBHOOK_SIGNATURE_TAG },
  );
  return { headers: { ...headers, "signature-input": signed.headers["Signature-Input"], signature: signed.headers.Signature }, body: delivery.payload };
}

/** The event id inside a stored body ("" if it has none: never from PTERI itself). */
export function eventIdOf(payload: string): string {
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === "string" ? id : "";
  } catch {
    return "";
  }
}

async function send(delivery: Claimed, options: DispatchOptions, now: Date): Promise<Outcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  let response: Response;
  try {
    const request = await signedDelivery(delivery, options.key, now);
    response = await (options.fetch ?? fetch)(delivery.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      // A redirect could lead the signed event anywhere: the configured URL answers, or it fails.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, statusCode: null, error: clip(networkError(error, timeoutMs), MAX_ERROR) };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, statusCode: response.status, error: null };
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get("location");
    return { ok: false, statusCode: response.status, error: clip(`Redirect${location ? ` to ${location}` : ""} not followed; configure the final URL.`, MAX_ERROR) };
  }
  const excerpt = await bodyExcerpt(response);
  return { ok: false, statusCode: response.status, error: clip(`HTTP ${response.status}${excerpt ? `: ${excerpt}` : ""}`, MAX_ERROR) };
}

function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `No answer within ${timeoutMs / 1000} s.`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return `Could not connect (${cause.code}).`;
  return `Could not send: ${error instanceof Error ? (typeof cause?.message === "string" ? cause.message : error.message) : String(error)}`;
}

/** The first bytes of a refusal, as one line of text: enough to diagnose, never stored whole. */
async function bodyExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_EXCERPT * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body that breaks off: whatever arrived is the excerpt.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_EXCERPT * 4));
  return clip(text.replace(/\s+/g, " ").trim(), MAX_EXCERPT);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Stores the outcome if the claim is still this attempt's; returns the new status, or null when it was taken over. */
async function record(db: Db, delivery: Claimed, outcome: Outcome, now: Date): Promise<"delivered" | "pending" | "failed" | null> {
  const status = outcome.ok ? "delivered" : delivery.attempt >= MAX_ATTEMPTS ? "failed" : "pending";
  const nextAttemptAt = status === "pending" ? new Date(now.getTime() + RETRY_DELAYS_SECONDS[delivery.attempt - 1]! * 1000) : now;
  const { count } = await writeTransaction(db, (tx) =>
    tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "pending", attempts: delivery.attempt },
      data: { status, nextAttemptAt, lastStatusCode: outcome.statusCode, lastError: outcome.error, ...(outcome.ok ? { deliveredAt: now } : {}) },
    }),
  );
  return count === 1 ? status : null;
}
