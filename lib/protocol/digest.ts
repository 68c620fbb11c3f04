/**
 * RFC 9530 `Content-Digest`: a structured-field dictionary whose members are
 * algorithm -> byte sequence, e.g. `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
 * Parsing and serialization go through `structured-headers` (RFC 8941/9651).
 */
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { serializeDictionary, isInnerList, type Dictionary } from "structured-headers";
import { constantTimeEqual, utf8Encode } from "./encoding";
import { parseDictionaryStrict } from "./sf";

export const DIGEST_ALGORITHMS = ["sha-256", "sha-512"] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

export const DIGEST_FAILURE_CODES = ["digest_missing", "digest_malformed", "digest_unsupported", "digest_mismatch"] as const;
export type DigestFailureCode = (typeof DIGEST_FAILURE_CODES)[number];

export type DigestCheckResult =
  | { ok: true; alg: DigestAlgorithm; algorithms: DigestAlgorithm[] }
  | { ok: false; code: DigestFailureCode; message: string };

/** Header values above this size are rejected before parsing (hostile-input budget). */
export const MAX_DIGEST_HEADER_LENGTH = 4096;

const HASHES: Record<DigestAlgorithm, { fn: (b: Uint8Array) => Uint8Array; length: number }> = {
  "sha-256": { fn: sha256, length: 32 },
  "sha-512": { fn: sha512, length: 64 },
};

function isDigestAlgorithm(key: string): key is DigestAlgorithm {
  return (DIGEST_ALGORITHMS as readonly string[]).includes(key);
}

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === "string" ? utf8Encode(body) : body;
}

/** Digest bytes of a body with one algorithm. */
export function digestBytes(body: Uint8Array | string, alg: DigestAlgorithm = "sha-256"): Uint8Array {
  return HASHES[alg].fn(toBytes(body));
}

/** `Content-Digest` header value for `body`. */
export function createContentDigest(body: Uint8Array | string, alg: DigestAlgorithm = "sha-256"): string {
  if (!isDigestAlgorithm(alg)) throw new TypeError(`unsupported digest algorithm ${String(alg)}`);
  const dict: Dictionary = new Map();
  // Copy into a fresh ArrayBuffer-backed array: the type structured-headers accepts.
  dict.set(alg, [new Uint8Array(digestBytes(body, alg)), new Map()]);
  return serializeDictionary(dict);
}

/**
 * Checks a `Content-Digest` header against the body. Every supported algorithm
 * present must match (an attacker must not be able to add a correct sha-256
 * next to a wrong sha-512 and have only the first checked). Unknown algorithms
 * are ignored unless nothing supported is present. Never throws.
 */
export function checkContentDigest(headerValue: string | undefined | null, body: Uint8Array | string): DigestCheckResult {
  if (headerValue === undefined || headerValue === null || (typeof headerValue === "string" && headerValue.trim() === "")) {
    return { ok: false, code: "digest_missing", message: "The request has no Content-Digest header; send sha-256 or sha-512 of the body." };
  }
  if (typeof headerValue !== "string" || headerValue.length > MAX_DIGEST_HEADER_LENGTH) {
    return { ok: false, code: "digest_malformed", message: "Content-Digest is not a string of acceptable size." };
  }
  if (typeof body !== "string" && !(body instanceof Uint8Array)) {
    return { ok: false, code: "digest_malformed", message: "The body to check is neither bytes nor a string." };
  }
  const parsed = parseDictionaryStrict(headerValue);
  if (!parsed.ok) {
    return { ok: false, code: "digest_malformed", message: `Content-Digest is ${parsed.reason} (RFC 9530).` };
  }
  const checked: DigestAlgorithm[] = [];
  for (const [key, member] of parsed.dict) {
    if (!isDigestAlgorithm(key)) continue;
    const value = isInnerList(member) ? undefined : member[0];
    if (!(value instanceof ArrayBuffer)) {
      return { ok: false, code: "digest_malformed", message: `Content-Digest ${key} must be a byte sequence (:base64:).` };
    }
    const expected = new Uint8Array(value);
    if (expected.length !== HASHES[key].length) {
      return { ok: false, code: "digest_malformed", message: `Content-Digest ${key} must be ${HASHES[key].length} bytes.` };
    }
    if (!constantTimeEqual(digestBytes(body, key), expected)) {
      return { ok: false, code: "digest_mismatch", message: `Content-Digest ${key} does not match the body that was received.` };
    }
    checked.push(key);
  }
  if (checked.length === 0) {
    return { ok: false, code: "digest_unsupported", message: "Content-Digest uses no supported algorithm; use sha-256 or sha-512." };
  }
  const alg: DigestAlgorithm = checked.includes("sha-512") ? "sha-512" : "sha-256";
  return { ok: true, alg, algorithms: checked };
}
