/**
 * Byte encodings used across the protocol: base64url (JWK members, key ids,
 * nonces), standard base64 (PEM bodies, structured-field byte sequences),
 * UTF-8 and hex.
 *
 * Why hand-written on top of atob/btoa: every runtime PTERI targets (Node 20,
 * browsers) ships atob/btoa, but they are *lenient* (they skip whitespace,
 * accept missing padding and ignore non-zero trailing bits). A key or a
 * signature must have exactly one accepted encoding, so decoding here first
 * checks the alphabet and length, then re-encodes and compares, which rejects
 * every non-canonical form. Hex and UTF-8 come from @noble/hashes / TextEncoder.
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Bytes to standard base64 with padding (RFC 4648 section 4). */
export function base64Encode(bytes: Uint8Array): string {
  // Chunked so very large inputs do not overflow the argument stack.
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Strict standard base64: padding required, no whitespace, canonical trailing bits. */
export function base64Decode(text: string): Uint8Array {
  if (typeof text !== "string" || !BASE64_RE.test(text)) {
    throw new TypeError("invalid base64: unexpected character, length or padding");
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  // Non-zero trailing bits decode to the same bytes; only the canonical form is accepted.
  if (base64Encode(out) !== text) throw new TypeError("invalid base64: non-canonical encoding");
  return out;
}

/** Bytes to base64url without padding (RFC 4648 section 5, RFC 7515 appendix C). */
export function base64UrlEncode(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Strict base64url: no padding, no whitespace, canonical trailing bits. */
export function base64UrlDecode(text: string): Uint8Array {
  if (typeof text !== "string" || !BASE64URL_RE.test(text) || text.length % 4 === 1) {
    throw new TypeError("invalid base64url: unexpected character or length");
  }
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = std + "=".repeat((4 - (std.length % 4)) % 4);
  const out = base64Decode(padded);
  return out;
}

/** The tryX decoders: the input's type is checked first, and any decoding error becomes null. */
function nullOnError<T, R>(isInput: (x: unknown) => x is T, decode: (x: T) => R): (x: unknown) => R | null {
  return (x) => {
    if (!isInput(x)) return null;
    try {
      return decode(x);
    } catch {
      return null;
    }
  };
}

const isString = (x: unknown): x is string => typeof x === "string";
const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;

/** Decodes base64url, returning null instead of throwing (for verification paths). */
export const tryBase64UrlDecode: (text: unknown) => Uint8Array | null = nullOnError(isString, base64UrlDecode);

/** Decodes standard base64, returning null instead of throwing. */
export const tryBase64Decode: (text: unknown) => Uint8Array | null = nullOnError(isString, base64Decode);

const encoder = new TextEncoder();
// fatal: invalid UTF-8 is an error, never silently replaced with U+FFFD.
// ignoreBOM: a leading EF BB BF is kept as U+FEFF, not stripped, so decoding
// is the exact inverse of utf8Encode and two byte strings never decode to the
// same text (signed bytes have one spelling).
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-8 encoding. A lone surrogate would become U+FFFD; callers that must not
 * change the text check isWellFormedUnicode first.
 */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict UTF-8 decoding: throws on invalid sequences, keeps a leading BOM. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Decodes UTF-8, returning null instead of throwing (for verification paths). */
export const tryUtf8Decode: (bytes: unknown) => string | null = nullOnError(isBytes, utf8Decode);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True if the string has no lone surrogate, i.e. utf8Encode represents it
 * exactly. (String.prototype.isWellFormed is ES2024; this runs everywhere.)
 */
export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Lowercase hex. */
export function hexEncode(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Strict hex (even length, 0-9a-fA-F only); throws otherwise. */
export function hexDecode(hex: string): Uint8Array {
  return hexToBytes(hex);
}

/**
 * Constant-time comparison for equal-length inputs: the loop always runs over
 * the full length, so timing reveals only the length (which is public for
 * digests and signatures).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Concatenates byte arrays into a new Uint8Array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
