/**
 * Webhook deliveries end to end inside one process: a pending intent queues a signed delivery
 * (outbox, same transaction), the dispatcher sends it to a local receiver, and the receiver
 * verifies it with the SDK against the key published at /.well-known/pteri-webhook-key.
 * Retries, backoff, giving up, disabled endpoints, redirects and concurrent dispatchers are
 * driven with an explicit clock instead of sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { expireIntents } from "@/lib/intents/expiry";
import { createMemoryNonceStore, verifyWebhook } from "@/lib/sdk";
import { CLAIM_LEASE_MS, dispatchDue, MAX_ATTEMPTS, RETRY_DELAYS_SECONDS } from "@/lib/webhooks/dispatch";
import { listDeliveries, redeliver, sendTest, updateEndpoint } from "@/lib/webhooks/endpoints";
import { notifyIntentEvent } from "@/lib/webhooks/notify";
import { loadOrCreateWebhookKey } from "@/lib/webhooks/signing-key";
import { webhookKeyResponse } from "@/lib/webhooks/well-known";
import { WEBHOOK_SIGNATURE_TAG, type IntentWebhookEvent, type WebhookKeyDocument } from "@/lib/webhooks/wire";
import type { PrivateKeyInfo } from "@/lib/protocol/keys";
import { enroll, freshDb, NOW_MS, type Enrolled, type TestDb } from "../auth/helpers";
import { auditOf, intentDoc, policyDoc, publish, rule, submitSigned } from "../intents/helpers";
import { addEndpoint, ADMIN, asIncoming, closedPort, deliveriesOf, startReceiver, type Receiver } from "./helpers";

let env: TestDb;
let receiver: Receiver;
let machine: Enrolled;
let key: PrivateKeyInfo;
let published: WebhookKeyDocument;
let clock = NOW_MS;
/** Each test starts an hour later, so earlier tests' retries are never due in it. */
const later = (ms = 3_600_000) => (clock += ms);
let resourceCounter = 0;

beforeAll(async () => {
  env = await freshDb();
  receiver = await startReceiver();
  machine = await enroll(env.db, "deployer", ["team:ops"]);
  await publish(
    env.db,
    policyDoc("Approvals", [rule({ id: "rollbacks", actions: ["deploy.rollback"], resources: ["services/*"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } })]),
    new Date(NOW_MS - 60_000),
  );
  key = loadOrCreateWebhookKey(env.config.dataDir);
  const response = webhookKeyResponse(env.config);
  expect(response.status).toBe(200);
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  published = (await response.json()) as WebhookKeyDocument;
});
afterAll(async () => {
  await receiver.close();
  await env.close();
});

/** Submits a new intent that needs approval, at `nowMs`. */
const pendingIntent = (nowMs: number) =>
  submitSigned(env, machine, JSON.stringify(intentDoc({ action: "deploy.rollback", resource: `services/api-${++resourceCounter}` })), nowMs);

const dispatch = (nowMs: number, over: Partial<Parameters<typeof dispatchDue>[1]> = {}) => dispatchDue(env.db, { key, now: new Date(nowMs), ...over });

/** Disables every endpoint, so each test sees only its own. */
async function onlyEndpoint(url: string, over: Parameters<typeof addEndpoint>[2] = {}): Promise<string> {
  await env.db.webhookEndpoint.updateMany({ data: { enabled: false } });
  return addEndpoint(env.db, url, over);
}

describe("the published key", () => {
  it("is PTERI's webhook key (not the audit log key), with its RFC 7638 key id and fingerprint", async () => {
    expect(published.keyId).toBe(key.publicKey.keyId);
    expect(published.publicJwk).toEqual(key.publicKey.jwk);
    expect(published.fingerprint).toMatch(/^SHA256:( ?[A-Za-z0-9_-]{4}){4}$/);
    expect(published.tag).toBe(WEBHOOK_SIGNATURE_TAG);
    const { loadOrCreateLogKey } = await import("@/lib/audit/log-key");
    expect(loadOrCreateLogKey(env.config.dataDir).publicKey.keyId).not.toBe(published.keyId);
  });
});

describe("a pending intent", () => {
  it("is delivered once, signed, and verifies with verifyWebhook using the published key", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/hooks/pteri?source=test`);
    const before = receiver.received.length;
    const { intent } = await pendingIntent(now);
    expect(intent.status).toBe("pending");
    const [queued] = await deliveriesOf(env.db, endpoint);
    expect(queued).toMatchObject({ eventType: "intent.pending", status: "pending", attempts: 0 });

    expect(await dispatch(now)).toEqual({ attempted: 1, delivered: 1, retrying: 0, failed: 0 });
    expect(await dispatch(now + 60_000)).toMatchObject({ attempted: 0 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.url).toBe("/hooks/pteri?source=test");
    expect(Buffer.from(got[0]!.body).toString()).toBe(queued!.payload);

    const verified = await verifyWebhook(asIncoming(got[0]!), { publicKey: published, publicUrl: receiver.origin, now: () => now / 1000 });
    if (!verified.ok) throw new Error(`${verified.code}: ${verified.message}`);
    const event = verified.event as IntentWebhookEvent;
    const [submitted] = (await auditOf(env.db, "intent.submitted")).filter((e) => e.subjects.intent === intent.id);
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_[A-Za-z0-9_-]{22}$/),
      type: "intent.pending",
      createdAt: new Date(now).toISOString(),
      intent: { id: intent.id, hash: intent.hash, machineId: machine.machine.id, machineName: "deployer", action: "deploy.rollback", resource: intent.resource, audience: intent.audience, status: "pending", expiresAt: intent.expiresAt.toISOString() },
      auditSeq: submitted!.seq,
      links: { console: `http://localhost:3000/approvals/${intent.id}` },
    });
    expect(got[0]!.headers["pteri-webhook-id"]).toBe(event.id);
    expect(got[0]!.headers["signature-input"]).toMatch(/^sig1=\("@method" "@target-uri" "content-type" "content-digest"\);created=\d+;expires=\d+;nonce="[^"]+";keyid="[^"]+";alg="ed25519";tag="pteri-webhook"$/);
    // No parameters: they may carry what the machine considers sensitive.
    expect(queued!.payload).not.toContain("params");

    const [row] = await deliveriesOf(env.db, endpoint);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null });
    expect(row!.deliveredAt?.getTime()).toBe(now);
  });

  it("a tampered delivery is refused: body, covered header, replay, another key, the wrong tag", async () => {
    const now = later();
    await onlyEndpoint(`${receiver.origin}/hooks`);
    const before = receiver.received.length;
    await pendingIntent(now);
    await dispatch(now);
    const got = receiver.received[before]!;
    const nonceStore = createMemoryNonceStore({ now: () => now / 1000 });
    const verify = (req: ReturnType<typeof asIncoming>, publicKey: object = published) => verifyWebhook(req, { publicKey, publicUrl: receiver.origin, now: () => now / 1000, nonceStore });

    const body = Buffer.from(got.body).toString().replace('"status":"pending"', '"status":"approved"');
    expect(await verify(asIncoming(got, { body }))).toMatchObject({ ok: false, code: "digest_mismatch" });
    expect(await verify(asIncoming(got, { headers: { "content-type": "text/plain" } }))).toMatchObject({ ok: false, code: "signature_invalid" });
    expect(await verify(asIncoming(got, { headers: { "content-digest": "sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:" } }))).toMatchObject({ ok: false, code: "signature_invalid" });
    expect(await verifyWebhook({ ...asIncoming(got), url: "/other" }, { publicKey: published, publicUrl: receiver.origin, now: () => now / 1000 })).toMatchObject({ ok: false, code: "signature_invalid" });
    const other = (await (await import("@/lib/protocol/keys")).generateKeyPair()).publicKey.jwk;
    expect(await verify(asIncoming(got), other)).toMatchObject({ ok: false, code: "key_unknown" });
    expect(await verifyWebhook(asIncoming(got), { publicKey: published, publicUrl: receiver.origin, now: () => now / 1000 + 3600 })).toMatchObject({ ok: false });

    expect(await verify(asIncoming(got))).toMatchObject({ ok: true });
    expect(await verify(asIncoming(got))).toMatchObject({ ok: false, code: "replayed" });

    // PTERI's key, but a signature not made for a webhook (no tag): refused.
    const { signRequest } = await import("@/lib/protocol/httpsig/sign");
    const { nodeEd25519 } = await import("@/lib/protocol/ed25519-node");
    const headers = { "content-type": "application/json", "content-digest": got.headers["content-digest"] as string };
    const untagged = await signRequest(
      { method: "POST", targetUri: `${receiver.origin}${got.url}`, headers, body: got.body },
      { key: key.seed, keyId: key.publicKey.keyId, backend: nodeEd25519, components: ["@method", "@target-uri", "content-type", "content-digest"], created: Math.floor(now / 1000) },
    );
    const forged = { method: "POST", url: got.url, headers: { ...headers, "signature-input": untagged.headers["Signature-Input"], signature: untagged.headers.Signature }, body: got.body };
    expect(await verify(forged)).toMatchObject({ ok: false, code: "tag_mismatch" });
  });
});

describe("retries", () => {
  it("a receiver answering 500 twice then 200: three attempts on the backoff schedule, delivered, and the log shows it", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/flaky`);
    const before = receiver.received.length;
    receiver.script.push(500, 500);
    await pendingIntent(now);

    expect(await dispatch(now)).toMatchObject({ attempted: 1, retrying: 1 });
    let [row] = await deliveriesOf(env.db, endpoint);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    expect(row!.lastError).toMatch(/^HTTP 500: receiver says no \(500\) x+…$/);
    expect(row!.lastError!.length).toBeLessThanOrEqual(300);
    expect(row!.nextAttemptAt.getTime()).toBe(now + RETRY_DELAYS_SECONDS[0] * 1000);

    // Not before it is due.
    expect(await dispatch(now + RETRY_DELAYS_SECONDS[0] * 1000 - 1)).toMatchObject({ attempted: 0 });
    const second = now + RETRY_DELAYS_SECONDS[0] * 1000;
    expect(await dispatch(second)).toMatchObject({ attempted: 1, retrying: 1 });
    [row] = await deliveriesOf(env.db, endpoint);
    expect(row!.nextAttemptAt.getTime()).toBe(second + RETRY_DELAYS_SECONDS[1] * 1000);

    const third = second + RETRY_DELAYS_SECONDS[1] * 1000;
    expect(await dispatch(third)).toMatchObject({ attempted: 1, delivered: 1 });
    const sent = receiver.received.slice(before);
    expect(sent).toHaveLength(3);
    // Every attempt carries the same event (same bytes, same id) under a fresh signature.
    expect(new Set(sent.map((r) => Buffer.from(r.body).toString())).size).toBe(1);
    expect(new Set(sent.map((r) => r.headers.signature)).size).toBe(3);

    const log = await listDeliveries(env.db, endpoint, 1, 20);
    expect(log.items).toEqual([
      expect.objectContaining({ eventType: "intent.pending", status: "delivered", attempts: 3, maxAttempts: MAX_ATTEMPTS, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: new Date(third).toISOString() }),
    ]);
  });

  it("an unreachable receiver: retried after 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, then failed", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`http://127.0.0.1:${await closedPort()}/gone`);
    await pendingIntent(now);
    expect(RETRY_DELAYS_SECONDS).toEqual([10, 60, 300, 1800, 7200, 21600]);
    let at = now;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const result = await dispatch(at);
      expect(result.attempted, `attempt ${attempt}`).toBe(1);
      const [row] = await deliveriesOf(env.db, endpoint);
      expect(row!.attempts).toBe(attempt);
      expect(row!.lastStatusCode).toBeNull();
      expect(row!.lastError).toMatch(/^Could not connect \(ECONNREFUSED\)\.$/);
      if (attempt < MAX_ATTEMPTS) {
        expect(row!.status).toBe("pending");
        expect(row!.nextAttemptAt.getTime() - at).toBe(RETRY_DELAYS_SECONDS[attempt - 1]! * 1000);
        at = row!.nextAttemptAt.getTime();
      } else {
        expect(row!.status).toBe("failed");
      }
    }
    expect(await dispatch(at + 86_400_000)).toMatchObject({ attempted: 0 });

    // Redelivered by an administrator: the same bytes again, a fresh round of attempts.
    const [failed] = await deliveriesOf(env.db, endpoint);
    await writeTransaction(env.db, (tx) => redeliver(tx, ADMIN, endpoint, failed!.id, new Date(at)));
    const [again] = await deliveriesOf(env.db, endpoint);
    expect(again).toMatchObject({ status: "pending", attempts: 0, payload: failed!.payload });
    const [entry] = (await auditOf(env.db, "webhook.redelivery_requested")).slice(-1);
    expect(entry!.evidence).toMatchObject({ endpointId: endpoint, deliveryId: failed!.id, previousAttempts: MAX_ATTEMPTS });
  });

  it("a timeout counts as a failed attempt", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/slow`);
    await pendingIntent(now);
    const hanging: typeof fetch = (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    expect(await dispatch(now, { fetch: hanging, timeoutMs: 50 })).toMatchObject({ attempted: 1, retrying: 1 });
    const [row] = await deliveriesOf(env.db, endpoint);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "No answer within 0.05 s." });
  });

  it("a redirect is not followed: the attempt fails and the redirect target gets nothing", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/moved`);
    const before = receiver.received.length;
    receiver.script.push(302);
    await pendingIntent(now);
    expect(await dispatch(now)).toMatchObject({ attempted: 1, retrying: 1 });
    expect(receiver.received.slice(before).map((r) => r.url)).toEqual(["/moved"]);
    const [row] = await deliveriesOf(env.db, endpoint);
    expect(row).toMatchObject({ status: "pending", lastStatusCode: 302, lastError: "Redirect to /elsewhere not followed; configure the final URL." });
  });
});

describe("who gets what", () => {
  it("a disabled endpoint gets nothing, nor one not subscribed to the event; an enabled one does", async () => {
    const now = later();
    await env.db.webhookEndpoint.updateMany({ data: { enabled: false } });
    const disabled = await addEndpoint(env.db, `${receiver.origin}/disabled`, { enabled: false });
    const decisionsOnly = await addEndpoint(env.db, `${receiver.origin}/decisions`, { events: ["intent.approved", "intent.rejected"] });
    const wanted = await addEndpoint(env.db, `${receiver.origin}/wanted`, { events: ["intent.pending"] });
    const before = receiver.received.length;
    await pendingIntent(now);
    await dispatch(now);
    expect(await deliveriesOf(env.db, disabled)).toEqual([]);
    expect(await deliveriesOf(env.db, decisionsOnly)).toEqual([]);
    expect(await deliveriesOf(env.db, wanted)).toHaveLength(1);
    expect(receiver.received.slice(before).map((r) => r.url)).toEqual(["/wanted"]);
  });

  it("an endpoint disabled after an event was queued does not get it until it is enabled again", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/paused`);
    const before = receiver.received.length;
    await pendingIntent(now);
    await writeTransaction(env.db, (tx) => updateEndpoint(tx, ADMIN, endpoint, { enabled: false }, new Date(now)));
    expect(await dispatch(now)).toMatchObject({ attempted: 0 });
    expect(receiver.received.length).toBe(before);
    await writeTransaction(env.db, (tx) => updateEndpoint(tx, ADMIN, endpoint, { enabled: true }, new Date(now)));
    expect(await dispatch(now)).toMatchObject({ attempted: 1, delivered: 1 });
  });

  it("a pending intent that expires sends intent.expired", async () => {
    const now = later();
    await expireIntents(env.db, new Date(now)); // earlier tests' intents: not this test's business
    const endpoint = await onlyEndpoint(`${receiver.origin}/expired`, { events: ["intent.expired"] });
    const { intent } = await pendingIntent(now);
    expect(await deliveriesOf(env.db, endpoint)).toEqual([]);
    const deadline = intent.expiresAt.getTime();
    await expireIntents(env.db, new Date(deadline));
    const rows = await deliveriesOf(env.db, endpoint);
    expect(rows).toHaveLength(1);
    const event = JSON.parse(rows[0]!.payload) as IntentWebhookEvent;
    const [expiredEntry] = (await auditOf(env.db, "intent.expired")).filter((e) => e.subjects.intent === intent.id);
    expect(event).toMatchObject({ type: "intent.expired", intent: { id: intent.id, status: "expired" }, auditSeq: expiredEntry!.seq });
  });
});

describe("the outbox", () => {
  it("a delivery row rolls back with its transaction", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/rollback`);
    const { intent } = await pendingIntent(now);
    const before = await env.db.webhookDelivery.count();
    await expect(
      writeTransaction(env.db, async (tx) => {
        await notifyIntentEvent(tx, { type: "intent.approved", intent, auditSeq: 1 }, new Date(now));
        expect(await tx.webhookDelivery.count({ where: { endpointId: endpoint, eventType: "intent.approved" } })).toBe(1);
        throw new Error("the decision failed after notifying");
      }),
    ).rejects.toThrow("the decision failed after notifying");
    expect(await env.db.webhookDelivery.count()).toBe(before);
  });

  it("two dispatchers running at once send each delivery exactly once", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/concurrent`);
    const before = receiver.received.length;
    for (let i = 0; i < 12; i++) await writeTransaction(env.db, (tx) => sendTest(tx, ADMIN, endpoint, new Date(now)));
    const [a, b] = await Promise.all([dispatch(now, { limit: 8 }), dispatch(now, { limit: 8 })]);
    expect(a.attempted + b.attempted).toBe(12);
    const ids = receiver.received.slice(before).map((r) => r.headers["pteri-webhook-id"]);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect((await deliveriesOf(env.db, endpoint)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });

  it("an attempt whose claim was taken over after the lease does not overwrite the newer attempt's outcome", async () => {
    const now = later();
    const endpoint = await onlyEndpoint(`${receiver.origin}/lease`);
    await writeTransaction(env.db, (tx) => sendTest(tx, ADMIN, endpoint, new Date(now)));
    let release: () => void = () => undefined;
    const slow: typeof fetch = (url, init) => new Promise<void>((resolve) => (release = resolve)).then(() => fetch(url, { ...init, signal: undefined }));
    const stale = dispatch(now, { fetch: slow });
    await new Promise((r) => setTimeout(r, 100));
    // The lease ran out: another instance takes the delivery over and delivers it.
    expect(await dispatch(now + CLAIM_LEASE_MS)).toMatchObject({ attempted: 1, delivered: 1 });
    release();
    expect(await stale).toMatchObject({ attempted: 1, delivered: 0, retrying: 0, failed: 0 });
    const [row] = await deliveriesOf(env.db, endpoint);
    expect(row).toMatchObject({ status: "delivered", attempts: 2 });
  });
});
