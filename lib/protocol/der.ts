/**
 * Ed25519 keys in DER (RFC 8410) and PEM (RFC 7468).
 *
 * Why hand-written instead of an ASN.1 library: PTERI has exactly one key
 * algorithm, and for Ed25519 both structures are a fixed byte prefix followed
 * by the 32 key bytes. Comparing against the two prefixes below is a complete
 * and exact parser for them; a general ASN.1 parser would only add attack
 * surface (and it would accept encodings we do not want, e.g. other curves).
 */
import { base64Decode, base64Encode, concatBytes, hexDecode } from "./encoding";

/** SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } } */
export const PKCS8_ED25519_PREFIX = hexDecode("302e020100300506032b657004220420");
/** SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits, 32 bytes) } */
export const SPKI_ED25519_PREFIX = hexDecode("302a300506032b6570032100");

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function spkiFromRaw(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new TypeError("Ed25519 public key must be 32 bytes");
  return concatBytes(SPKI_ED25519_PREFIX, publicKey);
}

export function pkcs8FromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw new TypeError("Ed25519 private key seed must be 32 bytes");
  return concatBytes(PKCS8_ED25519_PREFIX, seed);
}

/** The 32 raw bytes of an SPKI Ed25519 public key, or null if it is anything else. */
export function rawFromSpki(der: Uint8Array): Uint8Array | null {
  if (der.length !== SPKI_ED25519_PREFIX.length + 32 || !startsWith(der, SPKI_ED25519_PREFIX)) return null;
  return der.slice(SPKI_ED25519_PREFIX.length);
}

/** The 32-byte seed of a PKCS#8 (v1, RFC 8410) Ed25519 private key, or null. */
export function seedFromPkcs8(der: Uint8Array): Uint8Array | null {
  if (der.length !== PKCS8_ED25519_PREFIX.length + 32 || !startsWith(der, PKCS8_ED25519_PREFIX)) return null;
  return der.slice(PKCS8_ED25519_PREFIX.length);
}

/** RFC 7468 PEM with 64-character lines and a trailing LF. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export type PemBlock = { label: string; der: Uint8Array };

const PEM_RE = /^-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n\t ]*?)-----END ([A-Z0-9 ]{1,40})-----$/;

/**
 * Parses exactly one PEM block (surrounding whitespace allowed). Returns the
 * label so callers can say "this is a private key" instead of "malformed".
 */
export function pemDecode(text: string): { ok: true; block: PemBlock } | { ok: false; reason: string } {
  const match = PEM_RE.exec(text.trim());
  if (!match) return { ok: false, reason: "not a single PEM block (-----BEGIN ...----- / -----END ...-----)" };
  const [, label = "", body = "", endLabel] = match;
  if (label !== endLabel) return { ok: false, reason: `PEM BEGIN label "${label}" does not match END label` };
  try {
    return { ok: true, block: { label, der: base64Decode(body.replace(/\s+/g, "")) } };
  } catch {
    return { ok: false, reason: "PEM body is not valid base64" };
  }
}
