/**
 * Ed25519 keys: generation, JWK and PEM encodings, and PTERI's key id.
 *
 * A key id is the RFC 7638 JWK thumbprint of the public key: base64url of
 * SHA-256 over the JCS form of `{"crv","kty","x"}`. It is derived, never
 * chosen, so a key id cannot be claimed for a different key.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import type { Ed25519Backend } from "./ed25519";
import { nobleEd25519 } from "./ed25519-noble";
import { base64UrlEncode, utf8Encode } from "./encoding";
import { canonicalJson } from "./jcs";
import { pemEncode, pkcs8FromSeed, spkiFromRaw } from "./der";

export type PublicJwk = { kty: "OKP"; crv: "Ed25519"; x: string };
export type PrivateJwk = PublicJwk & { d: string };

/** A validated public key in every form the protocol uses. */
export type PublicKeyInfo = { raw: Uint8Array; jwk: PublicJwk; keyId: string };
/** A private key: the 32-byte RFC 8032 seed and its public half. */
export type PrivateKeyInfo = { seed: Uint8Array; publicKey: PublicKeyInfo };

export type GeneratedKeyPair = PrivateKeyInfo & { privateJwk: PrivateJwk; privatePem: string; publicPem: string };

function assert32(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new TypeError(`${what} must be 32 bytes`);
}

export function publicKeyToJwk(raw: Uint8Array): PublicJwk {
  assert32(raw, "Ed25519 public key");
  return { kty: "OKP", crv: "Ed25519", x: base64UrlEncode(raw) };
}

export function privateKeyToJwk(seed: Uint8Array, publicKey: Uint8Array): PrivateJwk {
  assert32(seed, "Ed25519 private key seed");
  return { ...publicKeyToJwk(publicKey), d: base64UrlEncode(seed) };
}

/** SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as OpenSSL and node:crypto write it. */
export function publicKeyToPem(raw: Uint8Array): string {
  return pemEncode("PUBLIC KEY", spkiFromRaw(raw));
}

/** PKCS#8 v1 PEM (label `PRIVATE KEY`), RFC 8410 section 7. */
export function privateKeyToPem(seed: Uint8Array): string {
  return pemEncode("PRIVATE KEY", pkcs8FromSeed(seed));
}

/** RFC 7638 thumbprint of an Ed25519 JWK (only crv, kty and x take part). */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): string {
  const members = canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return base64UrlEncode(sha256(utf8Encode(members)));
}

/** PTERI key id of a raw public key (= its JWK thumbprint). */
export function keyIdFromPublicKey(raw: Uint8Array): string {
  return jwkThumbprint(publicKeyToJwk(raw));
}

/** Wraps already-validated raw bytes; use parsePublicKey for untrusted input. */
export function publicKeyInfo(raw: Uint8Array): PublicKeyInfo {
  const jwk = publicKeyToJwk(raw);
  return { raw: raw.slice(), jwk, keyId: jwkThumbprint(jwk) };
}

const KEY_ID_RE = /^[A-Za-z0-9_-]{43}$/;

/** True if `value` has the shape of a PTERI key id (43 base64url chars = 256 bits). */
export function isKeyId(value: unknown): value is string {
  return typeof value === "string" && KEY_ID_RE.test(value);
}

/**
 * Short form of a key id for people comparing keys on screen or on the phone:
 * `SHA256:` followed by the first 16 characters of the key id (96 bits) in four
 * space-separated groups of four, e.g. `SHA256:kPrK _qmx VWaY VA9w`. It is for
 * display only; systems compare full key ids.
 */
export function fingerprint(keyId: string): string {
  if (!isKeyId(keyId)) throw new TypeError("fingerprint expects a 43-character base64url key id");
  const groups = keyId.slice(0, 16).match(/.{4}/g) ?? [];
  return `SHA256:${groups.join(" ")}`;
}

/** Random 32-byte seed from the platform CSPRNG (WebCrypto in Node and browsers). */
export function randomSeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

/** New key pair; the private key never leaves the returned object. */
export async function generateKeyPair(backend: Ed25519Backend = nobleEd25519): Promise<GeneratedKeyPair> {
  const seed = randomSeed();
  return keyPairFromSeed(seed, backend);
}

/** Every encoding of the key pair for a given seed. */
export async function keyPairFromSeed(seed: Uint8Array, backend: Ed25519Backend = nobleEd25519): Promise<GeneratedKeyPair> {
  assert32(seed, "Ed25519 private key seed");
  const raw = await backend.publicKeyFromSeed(seed);
  const publicKey = publicKeyInfo(raw);
  return {
    seed: seed.slice(),
    publicKey,
    privateJwk: privateKeyToJwk(seed, raw),
    privatePem: privateKeyToPem(seed),
    publicPem: publicKeyToPem(raw),
  };
}
