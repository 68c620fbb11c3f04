import { describe, expect, it, vi } from "vitest";
import {
  checkSignedContentDigest,
  signRequest,
  verifyRequest,
  VERIFY_FAILURE_CODES,
  type SignableRequest,
  type VerifyPolicy,
  type VerifyResult,
} from "../httpsig";
import { nodeEd25519 } from "../ed25519-node";
import { nobleEd25519 } from "../ed25519-noble";
import { alice, bob, jsonRequest, NOW, nonceStore, pteriPolicy, resolveKey, signed, withHeaders, BODY_COMPONENTS } from "./httpsig-fixtures";

const verify = (request: SignableRequest, policy: VerifyPolicy = pteriPolicy()) =>
  verifyRequest(request, { policy, resolveKey, backend: nodeEd25519 });

const code = (r: VerifyResult) => (r.ok ? "ok" : r.code);

describe("sign then verify", () => {
  it("round-trips with PTERI's policy and returns the resolved key record", async () => {
    const r = await verify(await signed(jsonRequest()));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.keyId).toBe(alice.publicKey.keyId);
    expect(r.key).toMatchObject({ machine: "alice" });
    expect(r.label).toBe("sig1");
    expect(r.components).toEqual(BODY_COMPONENTS);
    expect(r.params).toMatchObject({ created: NOW, expires: NOW + 300, alg: "ed25519", keyid: alice.publicKey.keyId });
    expect(r.params.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(r.signatureBase).toContain('"@signature-params": ("@method" "@target-uri" "content-digest" "content-type");created=');
  });

  it("works across back ends in both directions", async () => {
    const req = await signed(jsonRequest(), { backend: nobleEd25519 });
    expect(code(await verifyRequest(req, { policy: pteriPolicy(), resolveKey, backend: nodeEd25519 }))).toBe("ok");
    const req2 = await signed(jsonRequest());
    expect(code(await verifyRequest(req2, { policy: pteriPolicy(), resolveKey, backend: nobleEd25519 }))).toBe("ok");
  });

  it("accepts @authority + @path + @query in place of @target-uri", async () => {
    const req = await signed(jsonRequest(), { components: ["@method", "@authority", "@path", "@query", "content-digest", "content-type"] });
    expect(code(await verify(req))).toBe("ok");
  });

  it("a bodiless GET needs no digest", async () => {
    const get: SignableRequest = { method: "GET", targetUri: "https://pteri.example/api/v1/me", headers: {} };
    expect(code(await verify(await signed(get, { components: ["@method", "@target-uri"] })))).toBe("ok");
  });

  it("keeps earlier signatures and verifies each label", async () => {
    const first = await signed(jsonRequest());
    const second = await signRequest(first, { key: bob.seed, keyId: bob.publicKey.keyId, backend: nodeEd25519, components: BODY_COMPONENTS, created: NOW, label: "proxy" });
    const both = withHeaders(first, { "Signature-Input": second.headers["Signature-Input"], Signature: second.headers.Signature });
    expect(second.headers["Signature-Input"]).toMatch(/^sig1=.*, proxy=/);
    expect(await verify(both, pteriPolicy({ label: "sig1" }))).toMatchObject({ ok: true, keyId: alice.publicKey.keyId });
    expect(await verify(both, pteriPolicy({ label: "proxy" }))).toMatchObject({ ok: true, keyId: bob.publicKey.keyId });
    // Without a label, several signatures are ambiguous: refused rather than picked by order.
    expect(code(await verify(both))).toBe("signature_malformed");
    expect(code(await verify(both, pteriPolicy({ label: "other" })))).toBe("signature_missing");
    await expect(signRequest(both, { key: bob.seed, keyId: "k", backend: nodeEd25519, components: [], label: "proxy" })).rejects.toThrow(/already has a signature/);
  });

  it("signing refuses a covered header the request lacks", async () => {
    await expect(signed(jsonRequest(), { components: ["@method", "x-missing"] })).rejects.toMatchObject({ code: "header_missing" });
  });
});

describe("each failure code", () => {
  it("signature_missing", async () => {
    expect(code(await verify(jsonRequest()))).toBe("signature_missing");
    const req = await signed(jsonRequest());
    expect(code(await verify(withHeaders(req, { Signature: undefined })))).toBe("signature_missing");
    expect(code(await verify(withHeaders(req, { Signature: "other=:AAAA:" })))).toBe("signature_missing");
  });

  it("signature_params_missing (nonce, expires, created, keyid)", async () => {
    for (const opts of [{ nonce: null }, { expires: null }]) {
      expect(code(await verify(await signed(jsonRequest(), opts)))).toBe("signature_params_missing");
    }
    const noCreated = withHeaders(await signed(jsonRequest()), {});
    const input = (noCreated.headers as Record<string, string>)["Signature-Input"] ?? "";
    expect(code(await verify(withHeaders(noCreated, { "Signature-Input": input.replace(/;created=\d+/, "") })))).toBe("signature_params_missing");
    expect(code(await verify(withHeaders(noCreated, { "Signature-Input": input.replace(/;keyid="[^"]+"/, "") })))).toBe("signature_params_missing");
  });

  it("component_missing: method, target, and digest/type when there is a body", async () => {
    expect(code(await verify(await signed(jsonRequest(), { components: ["@target-uri", "content-digest", "content-type"] })))).toBe("component_missing");
    expect(code(await verify(await signed(jsonRequest(), { components: ["@method", "@path", "content-digest", "content-type"] })))).toBe("component_missing");
    expect(code(await verify(await signed(jsonRequest(), { components: ["@method", "@target-uri", "content-type"] })))).toBe("component_missing");
    const r = await verify(await signed(jsonRequest(), { components: ["@method", "@target-uri", "content-digest"] }));
    expect(!r.ok && r.message).toMatch(/content-type/);
  });

  it("the body rule also applies when the body is known only from Content-Length", async () => {
    const noBody: SignableRequest = { ...jsonRequest(), body: undefined };
    const req = await signed({ ...noBody, headers: { ...(noBody.headers as Record<string, string>), "Content-Length": "19" } }, { components: ["@method", "@target-uri"] });
    expect(code(await verify(req))).toBe("component_missing");
  });

  it("component_unsupported and header_missing", async () => {
    const req = await signed(jsonRequest(), { components: [...BODY_COMPONENTS, "x-trace"] }).catch(() => null);
    expect(req).toBeNull(); // the signer refuses to cover an absent header
    const ok = await signed(jsonRequest("{}", { "X-Trace": "1" }), { components: [...BODY_COMPONENTS, "x-trace"] });
    expect(code(await verify(withHeaders(ok, { "X-Trace": undefined })))).toBe("header_missing");
    const input = (ok.headers as Record<string, string>)["Signature-Input"] ?? "";
    expect(code(await verify(withHeaders(ok, { "Signature-Input": input.replace('"x-trace"', '"x-trace";sf') })))).toBe("component_unsupported");
    expect(code(await verify(withHeaders(ok, { "Signature-Input": input.replace('"x-trace"', '"@query-param";name="a"') })))).toBe("component_unsupported");
  });

  it("algorithm_unsupported", async () => {
    const req = await signed(jsonRequest());
    const input = (req.headers as Record<string, string>)["Signature-Input"] ?? "";
    expect(code(await verify(withHeaders(req, { "Signature-Input": input.replace('alg="ed25519"', 'alg="rsa-v1_5-sha256"') })))).toBe("algorithm_unsupported");
  });

  it("key_unknown, key_revoked, key_suspended", async () => {
    for (const [keyId, expected] of [["nobody", "key_unknown"], ["revoked-key", "key_revoked"], ["suspended-key", "key_suspended"]]) {
      expect(code(await verify(await signed(jsonRequest(), { keyId })))).toBe(expected);
    }
    const broken = await verifyRequest(await signed(jsonRequest()), { policy: pteriPolicy(), resolveKey: () => ({ publicKey: new Uint8Array(5) }), backend: nodeEd25519 });
    expect(code(broken)).toBe("key_unknown");
    const oddStatus = await verifyRequest(await signed(jsonRequest()), { policy: pteriPolicy(), resolveKey: () => ({ publicKey: alice.publicKey.raw, status: "disabled" as "active" }), backend: nodeEd25519 });
    expect(code(oddStatus)).toBe("key_unknown");
  });

  it("expired, not_yet_valid, too_old (with clock skew)", async () => {
    const req = await signed(jsonRequest(), { created: NOW, expires: NOW + 60 });
    expect(code(await verify(req, pteriPolicy({ now: () => NOW + 60 + 30 })))).toBe("ok");
    expect(code(await verify(req, pteriPolicy({ now: () => NOW + 60 + 31 })))).toBe("expired");
    expect(code(await verify(req, pteriPolicy({ now: () => NOW - 30 })))).toBe("ok");
    expect(code(await verify(req, pteriPolicy({ now: () => NOW - 31 })))).toBe("not_yet_valid");
    const long = await signed(jsonRequest(), { created: NOW, expires: NOW + 86_400 });
    expect(code(await verify(long, pteriPolicy({ now: () => NOW + 330 })))).toBe("ok");
    expect(code(await verify(long, pteriPolicy({ now: () => NOW + 331 })))).toBe("too_old");
  });

  it("signature_invalid", async () => {
    const forged = await signed(jsonRequest(), { key: bob.seed }); // bob's key, alice's keyid
    expect(code(await verify(forged))).toBe("signature_invalid");
  });

  it("replayed: the nonce is single use, checked only after the signature", async () => {
    const store = nonceStore();
    const policy = pteriPolicy({ checkNonce: store.checkNonce });
    const req = await signed(jsonRequest(), { expires: NOW + 100 });
    expect(code(await verify(req, policy))).toBe("ok");
    expect(store.calls[0]).toMatchObject({ keyId: alice.publicKey.keyId, expiresAt: NOW + 100 + 30 });
    expect(code(await verify(req, policy))).toBe("replayed");
    const forged = await signed(jsonRequest(), { key: bob.seed, nonce: "a-nonce-nobody-used-yet-0" });
    expect(code(await verify(forged, policy))).toBe("signature_invalid");
    expect(store.calls.map((c) => c.nonce)).not.toContain("a-nonce-nobody-used-yet-0");
  });

  it("nonce_too_short", async () => {
    expect(code(await verify(await signed(jsonRequest(), { nonce: "short" })))).toBe("nonce_too_short");
    expect(code(await verify(await signed(jsonRequest(), { nonce: "a".repeat(22) })))).toBe("ok");
  });

  it("the code list is closed and complete", () => {
    expect(VERIFY_FAILURE_CODES).toHaveLength(16);
    expect(new Set(VERIFY_FAILURE_CODES).size).toBe(16);
  });
});

describe("check order", () => {
  it("does not look up keys for malformed requests, and reports key problems before time problems", async () => {
    const lookup = vi.fn(resolveKey);
    const bad = withHeaders(await signed(jsonRequest()), { "Signature-Input": "sig1=(" });
    expect(code(await verifyRequest(bad, { policy: pteriPolicy(), resolveKey: lookup, backend: nodeEd25519 }))).toBe("signature_malformed");
    expect(lookup).not.toHaveBeenCalled();
    const stale = await signed(jsonRequest(), { keyId: "revoked-key" });
    expect(code(await verify(stale, pteriPolicy({ now: () => NOW + 10_000 })))).toBe("key_revoked");
  });

  it("reports time problems before checking the signature", async () => {
    const backend = { ...nodeEd25519, verify: vi.fn(nodeEd25519.verify) };
    const r = await verifyRequest(await signed(jsonRequest()), { policy: pteriPolicy({ now: () => NOW + 10_000 }), resolveKey, backend });
    expect(code(r)).toBe("expired");
    expect(backend.verify).not.toHaveBeenCalled();
  });

  it("propagates resolver failures instead of turning them into a verdict", async () => {
    const resolve = () => Promise.reject(new Error("database down"));
    await expect(verifyRequest(await signed(jsonRequest()), { policy: pteriPolicy(), resolveKey: resolve, backend: nodeEd25519 })).rejects.toThrow("database down");
  });

  it("throws on an unusable policy (a server bug, not hostile input)", async () => {
    const req = await signed(jsonRequest());
    const bad = (p: Partial<VerifyPolicy>) => verifyRequest(req, { policy: { ...pteriPolicy(), ...p } as VerifyPolicy, resolveKey, backend: nodeEd25519 });
    await expect(bad({ now: undefined as never })).rejects.toThrow(TypeError);
    await expect(bad({ algorithms: [] })).rejects.toThrow(TypeError);
    await expect(bad({ requiredParams: ["keyid"] })).rejects.toThrow(/created/);
    await expect(bad({ checkNonce: undefined })).rejects.toThrow(/checkNonce/);
    await expect(bad({ maxAgeSeconds: -1 })).rejects.toThrow(TypeError);
  });
});

describe("checkSignedContentDigest", () => {
  it("accepts the matching body and reports the specific failure otherwise", async () => {
    const req = jsonRequest();
    const r = await verify(await signed(req));
    if (!r.ok) throw new Error(r.message);
    expect(checkSignedContentDigest(req, '{"action":"deploy"}', r.components)).toEqual({ ok: true, alg: "sha-256" });
    expect(checkSignedContentDigest(req, '{"action":"delete"}', r.components)).toMatchObject({ ok: false, code: "digest_mismatch" });
    expect(checkSignedContentDigest({ headers: {} }, "x", r.components)).toMatchObject({ ok: false, code: "digest_missing" });
    expect(checkSignedContentDigest(req, "x", ["@method"])).toMatchObject({ ok: false, code: "component_missing" });
    expect(checkSignedContentDigest({ headers: {} }, new Uint8Array(0), ["@method"])).toEqual({ ok: true, alg: null });
  });
});
