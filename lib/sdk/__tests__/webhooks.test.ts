/**
 * verifyWebhook on its own: what it accepts as the pinned key, the time window, the tag, and
 * bodies that are not events. Deliveries are made by the Console's own signer (dispatch.ts).
 */
import { describe, expect, it } from "vitest";
import { generateKeyPair, publicKeyToPem, type GeneratedKeyPair } from "../../protocol/keys";
import { signedDelivery } from "../../webhooks/dispatch";
import { webhookKeyDocument } from "../../webhooks/signing-key";
import { createMemoryNonceStore, verifyWebhook } from "../index";

const NOW_S = Date.UTC(2026, 11, 4, 12, 0, 0) / 1000;
const RECEIVER = "https://hooks.example.com";
const EVENT = { id: "evt_AAAAAAAAAAAAAAAAAAAAAA", type: "webhook.test", createdAt: "2026-12-04T12:00:00.000Z", endpointId: "e1", auditSeq: 4, links: { console: "https://pteri.example/settings" } };

async function delivery(key: GeneratedKeyPair, payload = JSON.stringify(EVENT), url = `${RECEIVER}/in?x=1`) {
  const signed = await signedDelivery({ url, eventType: "webhook.test", payload }, key, new Date(NOW_S * 1000));
  return { method: "POST", url: new URL(url).pathname + new URL(url).search, headers: signed.headers, body: signed.body };
}

const options = (publicKey: object | string, now = NOW_S) => ({ publicKey, publicUrl: RECEIVER, now: () => now, nonceStore: createMemoryNonceStore({ now: () => now }) });

describe("verifyWebhook", () => {
  it("accepts the well-known document, the bare JWK or an SPKI PEM as the pinned key, and returns the event", async () => {
    const key = await generateKeyPair();
    const request = await delivery(key);
    for (const pinned of [webhookKeyDocument(key), key.publicKey.jwk, publicKeyToPem(key.publicKey.raw)]) {
      const result = await verifyWebhook(request, options(pinned));
      expect(result).toMatchObject({ ok: true, event: EVENT, keyId: key.publicKey.keyId });
    }
  });

  it("refuses outside the created/expires window", async () => {
    const key = await generateKeyPair();
    const request = await delivery(key);
    expect(await verifyWebhook(request, options(key.publicKey.jwk, NOW_S + 400))).toMatchObject({ ok: false, code: "expired" });
    expect(await verifyWebhook(request, options(key.publicKey.jwk, NOW_S - 120))).toMatchObject({ ok: false, code: "not_yet_valid" });
  });

  it("refuses a correctly signed body that is not an event", async () => {
    const key = await generateKeyPair();
    for (const payload of ["[1,2]", '{"id":1,"type":"x","createdAt":"y"}', "not json"]) {
      expect(await verifyWebhook(await delivery(key, payload), options(key.publicKey.jwk)), payload).toMatchObject({ ok: false, code: "payload_invalid" });
    }
  });

  it("refuses a delivery meant for another URL, or behind a receiver that names another origin", async () => {
    const key = await generateKeyPair();
    const request = await delivery(key);
    expect(await verifyWebhook({ ...request, url: "/in?x=2" }, options(key.publicKey.jwk))).toMatchObject({ ok: false, code: "signature_invalid" });
    expect(await verifyWebhook(request, { ...options(key.publicKey.jwk), publicUrl: "https://other.example.com" })).toMatchObject({ ok: false, code: "signature_invalid" });
  });

  it("refuses a signature without the content digest covered", async () => {
    const key = await generateKeyPair();
    const request = await delivery(key);
    const headers = { ...request.headers, "signature-input": request.headers["signature-input"]!.replace(' "content-digest"', "") };
    expect(await verifyWebhook({ ...request, headers }, options(key.publicKey.jwk))).toMatchObject({ ok: false, code: "component_missing" });
  });
});
