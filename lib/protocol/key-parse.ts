/**
 * Parsing untrusted public and private keys (JWK object, JWK JSON, PEM).
 * Never throws: every failure is `{ ok: false, code: "key_malformed", reason }`
 * with a reason a person can act on.
 */
import { Point } from "@noble/ed25519";
import { noblePublicKeyFromSeed } from "./ed25519-noble";
import { base64UrlDecode, constantTimeEqual } from "./encoding";
import { pemDecode, rawFromSpki, seedFromPkcs8 } from "./der";
import { publicKeyInfo, type PrivateKeyInfo, type PublicKeyInfo } from "./keys";

export type KeyParseFailure = { ok: false; code: "key_malformed"; reason: string };
export type PublicKeyParseResult = { ok: true; key: PublicKeyInfo } | KeyParseFailure;
export type PrivateKeyParseResult = { ok: true; key: PrivateKeyInfo } | KeyParseFailure;

/** Key inputs above this size are rejected before any parsing. */
export const MAX_KEY_INPUT_LENGTH = 8192;

const fail = (reason: string): KeyParseFailure => ({ ok: false, code: "key_malformed", reason });

/** Quotes a (non-secret) member value for an error message, bounded in size. */
function show(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Checks that 32 bytes are a usable Ed25519 public key: canonical encoding
 * (y < p, no "negative zero" x), on the curve, and not of small order (a
 * small-order key lets one signature verify for many messages).
 */
export function checkPublicKeyBytes(raw: Uint8Array): string | null {
  if (raw.length !== 32) return `an Ed25519 public key is 32 bytes, this one is ${raw.length}`;
  let point: Point;
  try {
    point = Point.fromBytes(raw, false);
  } catch {
    // Decodes leniently (ZIP-215) but not strictly: the encoding is non-canonical.
    try {
      Point.fromBytes(raw, true);
      return "the public key uses a non-canonical point encoding";
    } catch {
      return "the public key is not a point on the Ed25519 curve";
    }
  }
  if (point.isSmallOrder()) return "the public key is a small-order point, which no real key is";
  return null;
}

function decodeX(value: unknown, member: string): Uint8Array | string {
  if (typeof value !== "string") return `JWK member "${member}" must be a base64url string`;
  let bytes: Uint8Array;
  try {
    bytes = base64UrlDecode(value);
  } catch {
    return `JWK member "${member}" is not unpadded base64url`;
  }
  return bytes.length === 32 ? bytes : `JWK member "${member}" must decode to 32 bytes, not ${bytes.length}`;
}

function publicFromJwk(jwk: Record<string, unknown>, allowPrivate: boolean): PublicKeyParseResult {
  if (jwk.kty !== "OKP") return fail(`JWK "kty" must be "OKP" for Ed25519, not ${show(jwk.kty)}`);
  if (jwk.crv !== "Ed25519") return fail(`JWK "crv" must be "Ed25519", not ${show(jwk.crv)}`);
  if (!allowPrivate && "d" in jwk) return fail("this is a private key (JWK has \"d\"); give the public key only");
  const x = decodeX(jwk.x, "x");
  if (typeof x === "string") return fail(x);
  const problem = checkPublicKeyBytes(x);
  return problem ? fail(problem) : { ok: true, key: publicKeyInfo(x) };
}

/** JWK object, or a string holding JWK JSON or a PEM block; shared preamble. */
function classify(input: unknown): { kind: "jwk"; jwk: Record<string, unknown> } | { kind: "pem"; text: string } | KeyParseFailure {
  if (typeof input === "string") {
    if (input.length > MAX_KEY_INPUT_LENGTH) return fail("key text is too long");
    const text = input.trim();
    if (text.startsWith("-----BEGIN ")) return { kind: "pem", text };
    if (!text.startsWith("{")) return fail("expected a JWK (JSON object) or a PEM block");
    try {
      return classify(JSON.parse(text));
    } catch {
      return fail("the JWK is not valid JSON");
    }
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) return fail("expected a JWK object or a PEM string");
  return { kind: "jwk", jwk: input as Record<string, unknown> };
}

/** Parses an untrusted Ed25519 public key from a JWK (object or JSON) or an SPKI PEM. */
export function parsePublicKey(input: string | object): PublicKeyParseResult {
  const c = classify(input);
  if ("ok" in c) return c;
  if (c.kind === "jwk") return publicFromJwk(c.jwk, false);
  const pem = pemDecode(c.text);
  if (!pem.ok) return fail(pem.reason);
  if (pem.block.label.includes("PRIVATE KEY")) return fail("this is a private key (PEM PRIVATE KEY); give the public key only");
  if (pem.block.label !== "PUBLIC KEY") return fail(`expected "-----BEGIN PUBLIC KEY-----" (SPKI), found "${pem.block.label}"`);
  const raw = rawFromSpki(pem.block.der);
  if (!raw) return fail("the PEM is not an SPKI Ed25519 public key (wrong algorithm or length)");
  const problem = checkPublicKeyBytes(raw);
  return problem ? fail(problem) : { ok: true, key: publicKeyInfo(raw) };
}

function fromSeed(seed: Uint8Array, expectedPublic?: Uint8Array): PrivateKeyParseResult {
  const raw = noblePublicKeyFromSeed(seed);
  if (expectedPublic && !constantTimeEqual(raw, expectedPublic)) {
    return fail('JWK "x" is not the public key of "d"');
  }
  return { ok: true, key: { seed: seed.slice(), publicKey: publicKeyInfo(raw) } };
}

/** Parses an Ed25519 private key from a PKCS#8 PEM or a private JWK (with "d"). */
export function parsePrivateKey(input: string | object): PrivateKeyParseResult {
  const c = classify(input);
  if ("ok" in c) return c;
  if (c.kind === "jwk") {
    const pub = publicFromJwk(c.jwk, true);
    if (!pub.ok) return pub;
    if (!("d" in c.jwk)) return fail('this is a public key; a private JWK needs "d"');
    const d = decodeX(c.jwk.d, "d");
    return typeof d === "string" ? fail(d) : fromSeed(d, pub.key.raw);
  }
  const pem = pemDecode(c.text);
  if (!pem.ok) return fail(pem.reason);
  if (pem.block.label === "PUBLIC KEY") return fail("this is a public key; expected a PKCS#8 private key (PEM label PRIVATE KEY)");
  if (pem.block.label !== "PRIVATE KEY") {
    return fail(`expected an unencrypted PKCS#8 private key (PEM label PRIVATE KEY), found "${pem.block.label}"`);
  }
  const seed = seedFromPkcs8(pem.block.der);
  return seed ? fromSeed(seed) : fail("the PEM is not a PKCS#8 v1 Ed25519 private key (RFC 8410)");
}
