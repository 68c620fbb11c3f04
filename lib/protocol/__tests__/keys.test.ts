import { describe, expect, it } from "vitest";
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { base64UrlEncode, hexDecode } from "../encoding";
import {
  fingerprint,
  generateKeyPair,
  isKeyId,
  jwkThumbprint,
  keyIdFromPublicKey,
  keyPairFromSeed,
  privateKeyToPem,
  publicKeyToJwk,
  publicKeyToPem,
} from "../keys";
import { parsePrivateKey, parsePublicKey } from "../key-parse";
import { nobleEd25519 } from "../ed25519-noble";
import { nodeEd25519 } from "../ed25519-node";
import { loadVector, type Rfc9421B26, type WycheproofFile } from "./vectors";

// RFC 8037 Appendix A.1-A.3
const RFC8037 = {
  d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
  x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
  thumbprint: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
};
const b26 = loadVector<Rfc9421B26>("rfc9421_b26.json");

const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? "ok" : r.reason);
const xOf = (hex: string) => base64UrlEncode(hexDecode(hex));

describe("key ids (RFC 7638 thumbprints)", () => {
  it("matches RFC 8037 Appendix A.3", () => {
    expect(jwkThumbprint({ crv: "Ed25519", kty: "OKP", x: RFC8037.x })).toBe(RFC8037.thumbprint);
    const parsed = parsePublicKey({ kty: "OKP", crv: "Ed25519", x: RFC8037.x, kid: "ignored", use: "sig" });
    expect(parsed.ok && parsed.key.keyId).toBe(RFC8037.thumbprint);
  });

  it("formats a human fingerprint of the key id", () => {
    expect(fingerprint(RFC8037.thumbprint)).toBe("SHA256:kPrK _qmx VWaY VA9w");
    expect(isKeyId(RFC8037.thumbprint)).toBe(true);
    expect(isKeyId("short")).toBe(false);
    expect(() => fingerprint("not a key id")).toThrow(TypeError);
  });
});

describe("key generation and encodings", () => {
  it("derives the RFC 8037 A.1 key pair from its seed", async () => {
    const kp = await keyPairFromSeed(new Uint8Array(Buffer.from(RFC8037.d, "base64url")));
    expect(kp.publicKey.jwk).toEqual({ kty: "OKP", crv: "Ed25519", x: RFC8037.x });
    expect(kp.privateJwk).toEqual({ kty: "OKP", crv: "Ed25519", x: RFC8037.x, d: RFC8037.d });
    expect(kp.publicKey.keyId).toBe(RFC8037.thumbprint);
  });

  it("writes PEMs identical to the RFC 9421 test key and readable by node:crypto", async () => {
    const jwk = b26.privateKeyJwk as { d: string; x: string };
    const kp = await keyPairFromSeed(new Uint8Array(Buffer.from(jwk.d, "base64url")), nodeEd25519);
    expect(kp.privatePem).toBe(b26.privateKeyPem);
    expect(kp.publicPem).toBe(b26.publicKeyPem);
    expect(kp.publicKey.jwk.x).toBe(jwk.x);
    const sig = nodeSign(null, Buffer.from("m"), createPrivateKey(kp.privatePem));
    expect(nodeVerify(null, Buffer.from("m"), createPublicKey(kp.publicPem), sig)).toBe(true);
  });

  it("generates distinct random keys whose encodings all parse back", async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair(nodeEd25519)]);
    expect(a.publicKey.keyId).not.toBe(b.publicKey.keyId);
    for (const kp of [a, b]) {
      for (const input of [kp.publicPem, kp.publicKey.jwk, JSON.stringify(kp.publicKey.jwk)]) {
        const r = parsePublicKey(input);
        expect(r.ok && r.key.keyId).toBe(kp.publicKey.keyId);
      }
      for (const input of [kp.privatePem, kp.privateJwk, JSON.stringify(kp.privateJwk)]) {
        const r = parsePrivateKey(input);
        expect(r.ok && Buffer.from(r.key.seed)).toEqual(Buffer.from(kp.seed));
        expect(r.ok && r.key.publicKey.keyId).toBe(kp.publicKey.keyId);
      }
      expect(keyIdFromPublicKey(kp.publicKey.raw)).toBe(kp.publicKey.keyId);
    }
  });

  it("refuses wrong-length inputs when encoding", () => {
    expect(() => publicKeyToJwk(new Uint8Array(31))).toThrow(TypeError);
    expect(() => publicKeyToPem(new Uint8Array(33))).toThrow(TypeError);
    expect(() => privateKeyToPem(new Uint8Array(0))).toThrow(TypeError);
  });
});

describe("parsePublicKey rejects bad keys with a clear reason", () => {
  const jwk = (over: Record<string, unknown>) => ({ kty: "OKP", crv: "Ed25519", x: RFC8037.x, ...over });

  it.each([
    ["wrong kty", jwk({ kty: "EC" }), /"kty" must be "OKP"/],
    ["missing kty", { crv: "Ed25519", x: RFC8037.x }, /"kty" must be "OKP".*missing/],
    ["wrong crv", jwk({ crv: "X25519" }), /"crv" must be "Ed25519"/],
    ["x not a string", jwk({ x: 42 }), /"x" must be a base64url string/],
    ["x with padding", jwk({ x: `${RFC8037.x}=` }), /not unpadded base64url/],
    ["x standard base64", jwk({ x: RFC8037.x.replace("_", "/") }), /not unpadded base64url/],
    ["x too short", jwk({ x: RFC8037.x.slice(0, 40) }), /32 bytes, not 30/],
    ["a private JWK", jwk({ d: RFC8037.d }), /private key/],
    ["a small-order point", jwk({ x: xOf("01" + "00".repeat(31)) }), /small-order/],
    ["a non-canonical y", jwk({ x: xOf("f0" + "ff".repeat(30) + "7f") }), /non-canonical/],
    ["a point not on the curve", jwk({ x: xOf("02" + "00".repeat(31)) }), /not a point on the Ed25519 curve/],
    ["not JSON", "{kty:", /not valid JSON/],
    ["a JSON array", "[1]", /expected a JWK/],
    ["plain text", "hello", /expected a JWK/],
    ["null", null, /expected a JWK object/],
    ["a private PEM", b26.privateKeyPem, /private key/],
    ["a certificate", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----", /found "CERTIFICATE"/],
    ["mismatched PEM labels", "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PRIVATE KEY-----", /does not match/],
    ["a non-Ed25519 SPKI", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----", /not an SPKI Ed25519/],
    ["a PEM with bad base64", "-----BEGIN PUBLIC KEY-----\nMCow*BQ==\n-----END PUBLIC KEY-----", /not a single PEM block|not valid base64/],
    ["huge input", "{" + " ".repeat(10_000) + "}", /too long/],
  ])("%s", (_name, input, expected) => {
    const r = parsePublicKey(input as object);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe("key_malformed");
    expect(reason(r)).toMatch(expected);
  });

  it("accepts the RFC 9421 test key as PEM and as JWK (with CRLF and surrounding whitespace)", () => {
    const fromPem = parsePublicKey(`\r\n${b26.publicKeyPem.replace(/\n/g, "\r\n")}  `);
    const fromJwk = parsePublicKey(b26.publicKeyJwk);
    expect(fromPem.ok && fromJwk.ok && fromPem.key.keyId === fromJwk.key.keyId).toBe(true);
  });

  it("accepts every valid Wycheproof public key", () => {
    const w = loadVector<WycheproofFile>("wycheproof_ed25519.json");
    for (const g of w.testGroups) {
      const r = parsePublicKey(g.publicKeyPem);
      expect(reason(r)).toBe("ok");
      expect(r.ok && Buffer.from(r.key.raw).toString("hex")).toBe(g.publicKey.pk);
    }
  });
});

describe("parsePrivateKey", () => {
  it("parses the RFC 9421 test key from PEM and JWK to the same seed", async () => {
    const a = parsePrivateKey(b26.privateKeyPem);
    const b = parsePrivateKey(b26.privateKeyJwk);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.key.seed).toEqual(b.key.seed);
    expect(await nobleEd25519.publicKeyFromSeed(a.key.seed)).toEqual(a.key.publicKey.raw);
  });

  it.each([
    ["a public PEM", b26.publicKeyPem, /public key/],
    ["a public JWK", b26.publicKeyJwk, /public key; a private JWK needs "d"/],
    ["x not matching d", { ...b26.privateKeyJwk, x: RFC8037.x }, /"x" is not the public key of "d"/],
    ["a short d", { ...b26.privateKeyJwk, d: "AAAA" }, /"d" must decode to 32 bytes/],
    ["an encrypted key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----", /unencrypted PKCS#8/],
    ["a non-Ed25519 PKCS#8", "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----", /not a PKCS#8 v1 Ed25519/],
  ])("rejects %s", (_name, input, expected) => {
    const r = parsePrivateKey(input);
    expect(reason(r)).toMatch(expected);
  });

  it("never echoes the private key in a reason", () => {
    const r = parsePrivateKey({ ...b26.privateKeyJwk, x: RFC8037.x });
    expect(reason(r)).not.toContain(b26.privateKeyJwk.d);
  });
});
