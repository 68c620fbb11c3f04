import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDictionary } from "structured-headers";
import { createSignedFetch, jsonBody, PteriSdkError } from "../node";
import { createSignedFetch as portableSignedFetch } from "../index";
import { newKey, startTestServer, type TestServer } from "./server";

const alice = await newKey();
const mallory = await newKey();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer([alice.publicKey.jwk]);
});
afterAll(() => server.close());

/** Signs with `key` but sends through `tamper`, which may change the request first. */
function capturing(tamper: (r: Request) => Promise<Request> | Request = (r) => r) {
  const sent: Request[] = [];
  const signedFetch = createSignedFetch({
    key: alice.privatePem,
    fetch: async (input) => {
      const request = await tamper(input as Request);
      sent.push(request.clone());
      return fetch(request);
    },
  });
  return { signedFetch, sent };
}

describe("createSignedFetch against a node:http service using verifyIncomingRequest", () => {
  it("signs a GET: method and full target, created/expires/nonce/keyid/alg", async () => {
    const signedFetch = createSignedFetch({ key: alice.privatePem });
    const res = await signedFetch(`${server.url}/whoami?x=1`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ keyId: alice.publicKey.keyId, method: "GET", targetUri: `${server.url}/whoami?x=1` });
    expect(body.components).toEqual(["@method", "@target-uri"]);
    const last = server.results.at(-1);
    if (!last?.ok) throw new Error("expected success");
    expect(last.params.alg).toBe("ed25519");
    expect(last.params.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((last.params.expires ?? 0) - (last.params.created ?? 0)).toBe(300);
  });

  it("signs a POST with a JSON body: content-digest (sha-256) and content-type covered", async () => {
    const signedFetch = createSignedFetch({ key: alice.seed });
    const res = await signedFetch(`${server.url}/intents`, jsonBody({ action: "deploy" }, { method: "POST" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.body).toBe('{"action":"deploy"}');
    expect(body.components).toEqual(["@method", "@target-uri", "content-digest", "content-type"]);
  });

  it.each([
    ["string", "hello", "text/plain;charset=UTF-8"],
    ["Uint8Array", new Uint8Array([1, 2, 3]), "application/octet-stream"],
    ["ArrayBuffer", new Uint8Array([4, 5]).buffer, "application/octet-stream"],
    ["URLSearchParams", new URLSearchParams({ a: "1", b: "two" }), "application/x-www-form-urlencoded;charset=UTF-8"],
    ["Blob", new Blob(["blob"], { type: "text/csv" }), "text/csv"],
  ])("sends a %s body with its content type", async (_name, payload, type) => {
    const { signedFetch, sent } = capturing();
    const res = await signedFetch(`${server.url}/upload`, { method: "PUT", body: payload as BodyInit });
    expect(res.status).toBe(200);
    expect(sent[0]?.headers.get("content-type")).toBe(type);
    expect(sent[0]?.headers.get("content-digest")).toMatch(/^sha-256=:/);
  });

  it("accepts a Request object as input", async () => {
    const signedFetch = createSignedFetch({ key: alice.privatePem });
    const res = await signedFetch(new Request(`${server.url}/r`, { method: "POST", body: "x", headers: { "content-type": "text/plain" } }));
    expect(res.status).toBe(200);
    expect((await res.json()).body).toBe("x");
  });

  it("refuses a replayed request (same signature sent twice)", async () => {
    const { signedFetch, sent } = capturing();
    expect((await signedFetch(`${server.url}/once`, { method: "POST", body: "a" })).status).toBe(200);
    const again = await fetch(sent[0] as Request);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ code: "replayed" });
  });

  it("refuses a body changed after signing (digest_mismatch)", async () => {
    const { signedFetch } = capturing(async (r) => new Request(r, { body: '{"action":"delete"}' }));
    const res = await signedFetch(`${server.url}/intents`, jsonBody({ action: "deploy" }, { method: "POST" }));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "digest_mismatch" });
  });

  it("refuses an unknown key (key_unknown) and a key claiming another key id (signature_invalid)", async () => {
    const unknown = await createSignedFetch({ key: mallory.privatePem })(`${server.url}/x`);
    expect(await unknown.json()).toMatchObject({ code: "key_unknown", status: 401 });
    const impostor = await createSignedFetch({ key: mallory.seed, keyId: alice.publicKey.keyId })(`${server.url}/x`);
    expect(await impostor.json()).toMatchObject({ code: "signature_invalid" });
  });

  it("works with the portable entry (noble back end)", async () => {
    const res = await portableSignedFetch({ key: alice.privateJwk })(`${server.url}/portable`, { method: "POST", body: "p" });
    expect(res.status).toBe(200);
  });

  it("reports the signature base through onSigned and honours expiresInSeconds", async () => {
    let base = "";
    const signedFetch = createSignedFetch({ key: alice.privatePem, expiresInSeconds: 60, now: () => 1_760_000_000.7, onSigned: (i) => (base = i.signatureBase), fetch: async () => new Response("ok") });
    await signedFetch("https://api.example/a?b=c");
    expect(base).toMatch(/^"@method": GET\n"@target-uri": https:\/\/api.example\/a\?b=c\n"@signature-params": \("@method" "@target-uri"\);created=1760000000;expires=1760000060;nonce="[A-Za-z0-9_-]{22}";keyid="[A-Za-z0-9_-]{43}";alg="ed25519"$/);
  });

  it("keeps signatures the request already carries and adds its own label", async () => {
    let input: Request | undefined;
    const signedFetch = createSignedFetch({ key: alice.privatePem, label: "pteri", fetch: async (r) => ((input = r as Request), new Response()) });
    await signedFetch("https://api.example/", { headers: { "Signature-Input": 'other=("@method");created=1', Signature: "other=:AAAA:" } });
    expect([...parseDictionary(input?.headers.get("signature-input") ?? "").keys()]).toEqual(["other", "pteri"]);
  });
});

describe("createSignedFetch refuses what it cannot sign", () => {
  const signedFetch = createSignedFetch({ key: alice.privatePem, fetch: async () => new Response() });

  it.each([
    ["ReadableStream", new ReadableStream()],
    ["FormData", new FormData()],
  ])("a %s body, with a message naming what to pass instead", async (name, body) => {
    const attempt = signedFetch("https://api.example/", { method: "POST", body });
    await expect(attempt).rejects.toThrow(PteriSdkError);
    await expect(attempt).rejects.toThrow(new RegExp(`cannot send a ${name} body.*pass a string, Uint8Array`));
  });

  it("a malformed key, a too long lifetime, a relative URL", async () => {
    expect(() => createSignedFetch({ key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" })).toThrow(/not a usable Ed25519 private key/);
    expect(() => createSignedFetch({ key: alice.seed, expiresInSeconds: 301 })).toThrow(/1 to 300/);
    await expect(signedFetch("/relative")).rejects.toThrow(/absolute http\(s\) URL/);
  });
});
