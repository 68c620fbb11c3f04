import { describe, expect, it } from "vitest";
import { createMemoryNonceStore, createSignedFetch, jsonBody, staticKeyResolver, verifyIncomingRequest, PteriSdkError } from "../node";
import { newKey } from "./server";

const NOW = 1_760_000_000;
const alice = await newKey();
const resolveKey = staticKeyResolver([alice.publicPem]);

/** Signs a request for `url` and returns it as the Request the client would send. */
async function signedRequest(url: string, init: RequestInit = {}, now = NOW): Promise<Request> {
  let captured: Request | undefined;
  const signedFetch = createSignedFetch({ key: alice.seed, now: () => now, fetch: async (r) => ((captured = r as Request), new Response()) });
  await signedFetch(url, init);
  if (!captured) throw new Error("nothing sent");
  return captured;
}

/** The same request as a node:http handler sees it behind a proxy: origin-form URL, internal host. */
async function asProxied(req: Request): Promise<{ method: string; url: string; headers: Headers; body: Uint8Array }> {
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  headers.set("host", "10.0.0.7:8080");
  return { method: req.method, url: url.pathname + url.search, headers, body: new Uint8Array(await req.arrayBuffer()) };
}

const options = () => ({ publicUrl: "https://api.example.com", resolveKey, nonceStore: createMemoryNonceStore({ now: () => NOW }), now: () => NOW });

describe("verifyIncomingRequest", () => {
  it("rebuilds the target from publicUrl, so it works behind a reverse proxy", async () => {
    const req = await asProxied(await signedRequest("https://api.example.com/deploy?env=prod", jsonBody({ a: 1 }, { method: "POST" })));
    const result = await verifyIncomingRequest(req, options());
    expect(result).toMatchObject({ ok: true, keyId: alice.publicKey.keyId, targetUri: "https://api.example.com/deploy?env=prod", digestAlgorithm: "sha-256" });
    const wrongOrigin = await verifyIncomingRequest(req, { ...options(), publicUrl: "https://other.example.com" });
    expect(wrongOrigin).toMatchObject({ ok: false, code: "signature_invalid" });
  });

  it("accepts a Fetch API Request and leaves its body readable", async () => {
    const req = await signedRequest("https://api.example.com/x", jsonBody({ n: 2 }, { method: "POST" }));
    const result = await verifyIncomingRequest(req, options());
    expect(result.ok && new TextDecoder().decode(result.body)).toBe('{"n":2}');
    expect(await req.json()).toEqual({ n: 2 });
  });

  it("checks the digest before consuming the nonce: a tampered copy does not burn the real request", async () => {
    const real = await asProxied(await signedRequest("https://api.example.com/x", { method: "POST", body: "real" }));
    const opts = options();
    const tampered = await verifyIncomingRequest({ ...real, body: new TextEncoder().encode("fake") }, opts);
    expect(tampered).toMatchObject({ ok: false, code: "digest_mismatch" });
    expect(await verifyIncomingRequest(real, opts)).toMatchObject({ ok: true });
    expect(await verifyIncomingRequest(real, opts)).toMatchObject({ ok: false, code: "replayed" });
  });

  it("applies the time window and an optional shorter max age", async () => {
    const req = await asProxied(await signedRequest("https://api.example.com/x", {}, NOW - 200));
    expect(await verifyIncomingRequest(req, options())).toMatchObject({ ok: true });
    expect(await verifyIncomingRequest(req, { ...options(), maxAgeSeconds: 60 })).toMatchObject({ ok: false, code: "too_old" });
    expect(await verifyIncomingRequest(req, { ...options(), now: () => NOW + 200 })).toMatchObject({ ok: false, code: "expired" });
  });

  it("reports an unsigned request and refuses a publicUrl with a path", async () => {
    const plain = { method: "GET", url: "/x", headers: {}, body: null };
    expect(await verifyIncomingRequest(plain, options())).toMatchObject({ ok: false, code: "signature_missing" });
    await expect(verifyIncomingRequest(plain, { ...options(), publicUrl: "https://api.example.com/prefix" })).rejects.toThrow(/origin without a path/);
  });

  it("refuses to read a body over maxBodyBytes", async () => {
    const req = await signedRequest("https://api.example.com/x", { method: "POST", body: "x".repeat(100) });
    await expect(verifyIncomingRequest(req, { ...options(), maxBodyBytes: 10 })).rejects.toMatchObject({ code: "body_too_large" });
  });
});

describe("createMemoryNonceStore", () => {
  it("refuses a pair twice, forgets it after expiry, and throws when full of live nonces", () => {
    let now = 100;
    const store = createMemoryNonceStore({ maxEntries: 2, now: () => now });
    expect(store.checkNonce("k", "n1", 150)).toBe(true);
    expect(store.checkNonce("k", "n1", 150)).toBe(false);
    expect(store.checkNonce("k2", "n1", 150)).toBe(true);
    expect(() => store.checkNonce("k", "n3", 150)).toThrow(PteriSdkError);
    now = 151;
    expect(store.checkNonce("k", "n3", 300)).toBe(true);
    expect(store.size).toBe(1);
  });
});
