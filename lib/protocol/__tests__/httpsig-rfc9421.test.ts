import { describe, expect, it } from "vitest";
import { parseDictionary, serializeInnerList } from "structured-headers";
import { buildSignatureBase, signRequest, verifyRequest, type SignableRequest, type VerifyPolicy } from "../httpsig";
import { parsePrivateKey, parsePublicKey } from "../key-parse";
import { nobleEd25519 } from "../ed25519-noble";
import { nodeEd25519 } from "../ed25519-node";
import type { Ed25519Backend } from "../ed25519";
import { loadVector, type Rfc9421B26 } from "./vectors";

const v = loadVector<Rfc9421B26>("rfc9421_b26.json");
const publicKey = parsePublicKey(v.publicKeyJwk);
if (!publicKey.ok) throw new Error("test key does not parse");
const created = 1618884473;

const request = (extra: [string, string][] = []): SignableRequest => ({
  method: v.request.method,
  targetUri: v.request.targetUri,
  headers: [...v.request.headers, ...extra],
});

const signedHeaders: [string, string][] = [
  ["Signature-Input", v.signatureInput],
  ["Signature", v.signature],
];

// The RFC's B.2.6 covers no nonce and no target URI: a policy for this vector only.
const policy: VerifyPolicy = {
  requiredComponents: ["@method", "@authority", "@path"],
  requiredParams: ["created", "keyid"],
  algorithms: ["ed25519"],
  maxAgeSeconds: 300,
  clockSkewSeconds: 0,
  now: () => created,
};

const resolveKey = (keyId: string) => (keyId === v.keyId ? { publicKey: publicKey.key.raw } : null);

describe("RFC 9421 Appendix B.2.6 (ed25519)", () => {
  it("rebuilds the published signature base byte for byte", () => {
    const components = ["date", "@method", "@path", "@authority", "content-type", "content-length"];
    const base = buildSignatureBase(request(), components, { created, keyid: v.keyId });
    expect(base.ok && base.base).toBe(v.signatureBase);
    expect(base.ok && base.signatureParams).toBe(v.signatureParams);
  });

  it("re-serializes the published Signature-Input to the @signature-params value", () => {
    const member = parseDictionary(v.signatureInput).get(v.signatureLabel);
    expect(member && serializeInnerList(member as never)).toBe(v.signatureParams);
  });

  describe.each<Ed25519Backend>([nobleEd25519, nodeEd25519])("with the $name back end", (backend) => {
    it("verifies the published signature", async () => {
      const r = await verifyRequest(request(signedHeaders), { policy, resolveKey, backend });
      expect(r).toMatchObject({ ok: true, keyId: v.keyId, label: v.signatureLabel, signatureBase: v.signatureBase });
      expect(r.ok && r.components).toEqual(["date", "@method", "@path", "@authority", "content-type", "content-length"]);
      expect(r.ok && r.params).toEqual({ created, keyid: v.keyId });
    });

    it("reproduces the published signature (Ed25519 is deterministic)", async () => {
      const priv = parsePrivateKey(v.privateKeyPem);
      if (!priv.ok) throw new Error(priv.reason);
      const signed = await signRequest(request(), {
        key: priv.key.seed,
        keyId: v.keyId,
        backend,
        components: ["date", "@method", "@path", "@authority", "content-type", "content-length"],
        created,
        expires: null,
        nonce: null,
        includeAlg: false,
        label: v.signatureLabel,
      });
      expect(signed.signatureBase).toBe(v.signatureBase);
      expect(signed.headers["Signature-Input"]).toBe(v.signatureInput);
      expect(signed.headers.Signature).toBe(v.signature);
    });

    it("rejects the published signature on a changed date header", async () => {
      const headers = v.request.headers.map(([k, val]): [string, string] => [k, k === "Date" ? "Wed, 21 Apr 2021 02:07:55 GMT" : val]);
      const r = await verifyRequest({ ...request(), headers: [...headers, ...signedHeaders] }, { policy, resolveKey, backend });
      expect(r).toMatchObject({ ok: false, code: "signature_invalid", label: v.signatureLabel });
    });
  });

  it("accepts the same request with header names in other cases and as a Headers object", async () => {
    const headers = new Headers([...v.request.headers, ...signedHeaders].map(([k, val]) => [k.toUpperCase(), val] as [string, string]));
    const r = await verifyRequest({ ...request(), headers }, { policy, resolveKey, backend: nodeEd25519 });
    expect(r.ok).toBe(true);
    const record = Object.fromEntries([...v.request.headers, ...signedHeaders]);
    expect((await verifyRequest({ ...request(), headers: record }, { policy, resolveKey, backend: nodeEd25519 })).ok).toBe(true);
  });

  it("is refused by PTERI's own policy (no nonce, no expires, no content-digest)", async () => {
    const strict: VerifyPolicy = { ...policy, requiredParams: ["created", "expires", "nonce", "keyid"], checkNonce: () => true };
    const r = await verifyRequest(request(signedHeaders), { policy: strict, resolveKey, backend: nodeEd25519 });
    expect(r).toMatchObject({ ok: false, code: "signature_params_missing" });
    expect(!r.ok && r.message).toMatch(/expires, nonce/);
  });
});
