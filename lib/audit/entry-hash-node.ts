/**
 * Server-side fast path for the two hashes every append computes: the entry hash and its
 * Merkle leaf hash, with node:crypto's SHA-256 (native) instead of @noble/hashes (pure JS,
 * several times slower on a kilobyte-sized entry). Byte for byte the same functions as
 * entryHash and entryLeafHash in entry.ts (tests/audit/entry-hash-node.test.ts checks it):
 *
 *   entry hash = SHA-256( "PTERI/audit-entry/v1\n" || UTF-8(JCS(document)) )
 *   leaf hash  = SHA-256( 0x00 || entry hash bytes )                 (RFC 6962)
 *
 * The canonical JSON comes from canonicalJsonFast, a single-pass RFC 8785 serializer for
 * plain JSON data (strings checked with the native isWellFormed, no separate validation
 * walk), about 2.5 times as fast as canonicalJson on an entry; for anything else (a value JSON
 * cannot represent, a lone surrogate, a Date, a cycle…) it hands the whole document to
 * canonicalJson, so results and errors are canonicalJson's.
 *
 * Node-only (node:crypto): imported by the append path (log.ts), never by the portable
 * verifier, the CLI's browser-safe code or the Console's client bundle.
 */
import { createHash } from "node:crypto";
import { canonicalJson, documentHashPrefix } from "../protocol/jcs";
import { AUDIT_ENTRY_VERSION, type AuditEntryDocument } from "./entry";

const ENTRY_PREFIX = Buffer.from(documentHashPrefix("audit-entry", AUDIT_ENTRY_VERSION), "utf8");
const LEAF_PREFIX = Buffer.of(0x00);
const HEX_HASH = /^[0-9a-fA-F]{64}$/;

/** entryHash(doc), hex. The canonical JSON is encoded as UTF-8 exactly like utf8Encode. */
export function entryHashNode(doc: AuditEntryDocument): string {
  return createHash("sha256").update(ENTRY_PREFIX).update(Buffer.from(canonicalJsonFast(doc), "utf8")).digest("hex");
}

/** entryLeafHash(entryHashHex): the RFC 6962 leaf hash of the entry hash's 32 bytes. */
export function entryLeafHashNode(entryHashHex: string): Uint8Array {
  // Buffer.from(…, "hex") silently stops at the first non-hex character: check first.
  if (!HEX_HASH.test(entryHashHex)) throw new TypeError("entryLeafHashNode: entry hash must be 64 hex digits");
  const digest = createHash("sha256").update(LEAF_PREFIX).update(Buffer.from(entryHashHex, "hex")).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** canonicalJson(value), byte for byte and error for error (see the top of this file). */
export function canonicalJsonFast(value: unknown): string {
  const out = plain(value, 0);
  return out === NOT_PLAIN ? canonicalJson(value) : out;
}

const NOT_PLAIN = Symbol("not plain JSON data");

// String.prototype.isWellFormed (ES2024, native in Node.js 20): no lone surrogates.
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

// What JSON.stringify escapes in a well-formed string: the quote, the backslash, C0 controls.
const NEEDS_ESCAPE = /["\\\u0000-\u001F]/;

/** JSON.stringify(text) for a well-formed string, without the call when nothing needs escaping. */
const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

const MAX_DEPTH = 100;

/**
 * RFC 8785 for strings (well-formed UTF-16), finite numbers, booleans, null, dense arrays and
 * objects with the plain prototype and no toJSON; NOT_PLAIN for anything else. Strings and
 * numbers are serialized as JSON.stringify does and object keys sorted by UTF-16 code units,
 * as RFC 8785 (and the `canonicalize` package behind canonicalJson) specify.
 */
function plain(value: unknown, depth: number): string | typeof NOT_PLAIN {
  switch (typeof value) {
    case "string":
      return wellFormed(value) ? quote(value) : NOT_PLAIN;
    case "number":
      return Number.isFinite(value) ? String(value) : NOT_PLAIN; // = JSON.stringify for finite numbers
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return "null";
  if (depth >= MAX_DEPTH) return NOT_PLAIN; // deep or circular: canonicalJson decides
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const part = plain(value[i], depth + 1);
      if (part === NOT_PLAIN) return NOT_PLAIN;
      out += i === 0 ? part : `,${part}`;
    }
    return `${out}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || "toJSON" in value) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!wellFormed(key)) return NOT_PLAIN;
    const part = plain(record[key], depth + 1);
    if (part === NOT_PLAIN) return NOT_PLAIN;
    out += `${i === 0 ? "" : ","}${quote(key)}:${part}`;
  }
  return `${out}}`;
}
