/**
 * RFC 8785 JSON Canonicalization Scheme and PTERI's document hash.
 *
 * The canonical form itself comes from `canonicalize` (RFC 8785 reference
 * behaviour: UTF-16 key order, ECMAScript number formatting). We add a strict
 * pre-check because `canonicalize` silently drops `undefined` members and a
 * document hash must never depend on values JSON cannot represent.
 */
import canonicalize from "canonicalize";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64UrlEncode, concatBytes, hexEncode, utf8Encode } from "./encoding";

function assertJsonValue(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, not a finite number`);
      return;
    case "object":
      break;
    default:
      throw new TypeError(`canonicalJson: ${path} is ${typeof value}, which JSON cannot represent`);
  }
  if (value === null) return;
  if (seen.has(value)) throw new TypeError(`canonicalJson: ${path} is a circular reference`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJsonValue(v, `${path}[${i}]`, seen));
  } else if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    // Dates and similar: canonicalize serializes the toJSON() result.
    assertJsonValue((value as { toJSON: () => unknown }).toJSON(), path, seen);
  } else {
    for (const [k, v] of Object.entries(value)) assertJsonValue(v, `${path}.${k}`, seen);
  }
  seen.delete(value);
}

/** RFC 8785 canonical JSON. Throws a TypeError naming the offending path for undefined, functions, NaN or Infinity. */
export function canonicalJson(value: unknown): string {
  assertJsonValue(value, "$", new Set());
  const out = canonicalize(value);
  if (typeof out !== "string") throw new TypeError("canonicalJson: value has no JSON representation");
  return out;
}

const KIND_RE = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * Domain-separation prefix `PTERI/<kind>/v<version>\n`: the same JSON bytes
 * hashed as an intent and as an audit entry give unrelated hashes, so one kind
 * of document can never be replayed as another.
 */
export function documentHashPrefix(kind: string, version: number): string {
  if (!KIND_RE.test(kind)) throw new TypeError(`document kind must match ${KIND_RE}`);
  if (!Number.isSafeInteger(version) || version < 1) throw new TypeError("document version must be a positive integer");
  return `PTERI/${kind}/v${version}\n`;
}

/** SHA-256 over the domain-separation prefix followed by the JCS bytes of `doc`. */
export function hashDocument(kind: string, version: number, doc: unknown): Uint8Array {
  return sha256(concatBytes(utf8Encode(documentHashPrefix(kind, version)), utf8Encode(canonicalJson(doc))));
}

export function hashDocumentHex(kind: string, version: number, doc: unknown): string {
  return hexEncode(hashDocument(kind, version, doc));
}

export function hashDocumentBase64Url(kind: string, version: number, doc: unknown): string {
  return base64UrlEncode(hashDocument(kind, version, doc));
}
