/**
 * Interoperability with an independent RFC 9421 implementation: the npm
 * package http-message-signatures (dhensby/node-http-message-signatures),
 * which signs and verifies ed25519 through node:crypto and builds its own
 * signature base. Digests on its side are computed with node:crypto too.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSigner, createVerifier, httpbis } from "http-message-signatures";
import { PTERI_SIGNATURE_RULES, verifyRequest } from "../../protocol";
import { createSignedFetch, createMemoryNonceStore, jsonBody, nodeEd25519, staticKeyResolver } from "../node";
import { newKey, startTestServer, type TestServer } from "./server";

const alice = await newKey();
const PTERI_FIELDS = ["@method", "@target-uri", "content-digest", "content-type"];
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer([alice.publicKey.jwk]);
});
afterAll(() => server.close());

/** Their verifier, configured with PTERI's requirements. */
function theirVerify(request: { method: string; url: string; headers: Record<string, string> }) {
  const verify = createVerifier(createPublicKey(alice.publicPem), "ed25519");
  return httpbis.verifyMessage(
    {
      keyLookup: async (params) => (params.keyid === alice.publicKey.keyId ? { id: alice.publicKey.keyId, algs: ["ed25519"], verify } : null),
      requiredParams: ["created", "expires", "nonce", "keyid", "alg"],
      requiredFields: PTERI_FIELDS,
    },
    request,
  );
}

async function sentBySdk(body: string): Promise<{ method: string; url: string; headers: Record<string, string>; body: string }> {
  let sent: Request | undefined;
  const signedFetch = createSignedFetch({ key: alice.privatePem, fetch: async (r) => ((sent = r as Request), new Response()) });
  await signedFetch("https://api.example.com/v1/deploy?env=prod&x=%20y", jsonBody(JSON.parse(body), { method: "POST" }));
  if (!sent) throw new Error("nothing sent");
  return { method: sent.method, url: sent.url, headers: Object.fromEntries(sent.headers), body: await sent.text() };
}

function sha256Field(body: string): string {
  return `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
}

describe("interop with http-message-signatures", () => {
  it("(a) a request signed by the PTERI SDK verifies with their implementation", async () => {
    const request = await sentBySdk('{"replicas":3}');
    expect(request.headers["content-digest"]).toBe(sha256Field(request.body));
    expect(await theirVerify(request)).toBe(true);
  });

  it("(a) and their implementation refuses it once a covered component changes", async () => {
    const request = await sentBySdk('{"replicas":3}');
    expect(await theirVerify({ ...request, method: "PUT" })).toBe(false);
    expect(await theirVerify({ ...request, url: request.url.replace("prod", "dev") })).toBe(false);
  });

  it("(b) a request signed by their implementation verifies with lib/protocol verifyRequest and the SDK service", async () => {
    const body = '{"action":"rotate"}';
    const url = `${server.url}/v1/rotate?dry=1`;
    const signed = await httpbis.signMessage(
      {
        key: createSigner(createPrivateKey(alice.privatePem), "ed25519", alice.publicKey.keyId),
        name: "sig1",
        fields: PTERI_FIELDS,
        params: ["created", "expires", "nonce", "keyid", "alg"],
        paramValues: { nonce: randomBytes(16).toString("base64url") },
      },
      { method: "POST", url, headers: { "content-type": "application/json", "content-digest": sha256Field(body) } },
    );
    const headers = signed.headers as Record<string, string>;

    const ours = await verifyRequest(
      { method: "POST", targetUri: url, headers, body },
      {
        policy: { ...PTERI_SIGNATURE_RULES, now: () => Date.now() / 1000, checkNonce: createMemoryNonceStore().checkNonce },
        resolveKey: staticKeyResolver([alice.publicKey.jwk]),
        backend: nodeEd25519,
      },
    );
    expect(ours).toMatchObject({ ok: true, keyId: alice.publicKey.keyId, components: PTERI_FIELDS });

    const res = await fetch(url, { method: "POST", headers, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ keyId: alice.publicKey.keyId, body });
  });
});
