/**
 * C2SP signed-note (c2sp.org/signed-note), Ed25519 keys only (signature type
 * 0x01), wire-compatible with golang.org/x/mod/sumdb/note: a note is a text
 * ending in "\n", a blank line, then lines "— <name> <base64(keyID || sig)>".
 *
 * Verification runs on notes from servers, exports and witnesses, so it
 * bounds the work (size and signature-line limits, checked before any
 * signature is verified) and reports typed results instead of throwing.
 * Signing is a server-side operation on trusted configuration: bad input
 * there is a programming error and throws.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import type { Ed25519Backend } from "../protocol/ed25519";
import {
  base64Encode,
  concatBytes,
  constantTimeEqual,
  hexDecode,
  hexEncode,
  isWellFormedUnicode,
  tryBase64Decode,
  tryUtf8Decode,
  utf8Encode,
} from "../protocol/encoding";

export const SIG_TYPE_ED25519 = 0x01;
/** Default bounds. The spec requires accepting at least 16 signatures; Go's reference stops at 100. */
export const MAX_NOTE_BYTES = 64 * 1024;
export const MAX_NOTE_SIGNATURES = 100;

const SIG_PREFIX = "\u2014 "; // em dash, space
const CONTROL = /[\u0000-\u0009\u000B-\u001F]/; // every C0 control except "\n"
const UNICODE_SPACE = /\p{White_Space}/u; // same set as Go's unicode.IsSpace

export interface NoteKey {
  name: string;
  /** 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

export interface NoteSigner {
  name: string;
  /** 32-byte Ed25519 private seed. */
  seed: Uint8Array;
  /** If given, must match the seed: catches a misconfigured key pair before publishing. */
  publicKey?: Uint8Array;
}

export type NoteErrorCode = "note_malformed" | "note_too_large" | "key_invalid" | "no_known_signature" | "signature_invalid";
export type VerifyNoteResult =
  | { ok: true; body: string; verifiedBy: string[] }
  | { ok: false; code: NoteErrorCode; message: string };
export type ParseVkeyResult = { ok: true; key: NoteKey & { keyId: Uint8Array } } | { ok: false; code: "key_invalid"; message: string };

/** Key names: non-empty, no Unicode spaces, no "+", no control characters. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === "string" && name.length > 0 && isWellFormedUnicode(name) &&
    !name.includes("+") && !UNICODE_SPACE.test(name) && !CONTROL.test(name)
  );
}

/** Key ID = SHA-256(name || "\n" || 0x01 || public key)[:4]. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8Encode(name), Uint8Array.of(0x0a, SIG_TYPE_ED25519), publicKey)).slice(0, 4);
}

/** Verifier key string for publishing the log key: "<name>+<hex key id>+<base64(0x01 || pubkey)>". */
export function formatVkey(key: NoteKey): string {
  if (!isValidKeyName(key.name)) throw new TypeError("formatVkey: invalid key name");
  if (!(key.publicKey instanceof Uint8Array) || key.publicKey.length !== 32) throw new TypeError("formatVkey: public key must be 32 bytes");
  const encoded = base64Encode(concatBytes(Uint8Array.of(SIG_TYPE_ED25519), key.publicKey));
  return `${key.name}+${hexEncode(noteKeyId(key.name, key.publicKey))}+${encoded}`;
}

export function parseVkey(text: unknown): ParseVkeyResult {
  const fail = (message: string): ParseVkeyResult => ({ ok: false, code: "key_invalid", message });
  if (typeof text !== "string" || text.length > 1024) return fail("verifier key must be a short string");
  // Names cannot contain "+", but the base64 key can: split on the first two only.
  const a = text.indexOf("+");
  const b = a < 0 ? -1 : text.indexOf("+", a + 1);
  if (b < 0) return fail("verifier key must look like <name>+<key id>+<key>");
  const name = text.slice(0, a);
  const idHex = text.slice(a + 1, b);
  const keyBytes = tryBase64Decode(text.slice(b + 1));
  if (!isValidKeyName(name)) return fail("verifier key name is invalid");
  const keyId = /^[0-9a-fA-F]{8}$/.test(idHex) ? hexDecode(idHex) : null;
  if (!keyId) return fail("verifier key id must be 8 hex digits");
  if (!keyBytes || keyBytes.length !== 33) return fail("verifier key must be base64 of 33 bytes");
  if (keyBytes[0] !== SIG_TYPE_ED25519) return fail("verifier key is not an Ed25519 (type 0x01) key");
  const publicKey = keyBytes.slice(1);
  if (!constantTimeEqual(keyId, noteKeyId(name, publicKey))) return fail("verifier key id does not match the name and key");
  return { ok: true, key: { name, publicKey, keyId } };
}

/** Signs a note text with one or more keys; returns the complete signed note. */
export async function signNote(body: string, signers: NoteSigner | NoteSigner[], backend: Ed25519Backend): Promise<string> {
  const problem = textProblem(body);
  if (problem) throw new TypeError(`signNote: ${problem}`);
  const list = Array.isArray(signers) ? signers : [signers];
  if (list.length === 0) throw new TypeError("signNote: need at least one signer");
  const message = utf8Encode(body);
  let out = body + "\n";
  for (const s of list) {
    if (!isValidKeyName(s.name)) throw new TypeError("signNote: invalid key name");
    if (!(s.seed instanceof Uint8Array) || s.seed.length !== 32) throw new TypeError("signNote: seed must be 32 bytes");
    const publicKey = await backend.publicKeyFromSeed(s.seed);
    if (s.publicKey && !constantTimeEqual(s.publicKey, publicKey)) throw new TypeError("signNote: public key does not match seed");
    const signature = await backend.sign(s.seed, message);
    out += `${SIG_PREFIX}${s.name} ${base64Encode(concatBytes(noteKeyId(s.name, publicKey), signature))}\n`;
  }
  return out;
}

/** Why a note text is unsignable, or null if it is fine. */
function textProblem(body: unknown): string | null {
  if (typeof body !== "string" || body.length === 0) return "note text must be a non-empty string";
  if (!body.endsWith("\n")) return "note text must end with a newline";
  if (!isWellFormedUnicode(body) || CONTROL.test(body)) return "note text must be UTF-8 without control characters";
  if (utf8Encode(body).length > MAX_NOTE_BYTES) return "note text is too large";
  return null;
}

export interface VerifyNoteOptions {
  maxBytes?: number;
  maxSignatures?: number;
}

/**
 * Opens a signed note: at least one signature from a known key must verify,
 * every signature from a known key must verify (a bad one rejects the note),
 * and signatures from unknown keys (other name or key ID) are ignored.
 */
export async function verifyNote(
  note: string | Uint8Array,
  keys: readonly (string | NoteKey)[],
  backend: Ed25519Backend,
  options: VerifyNoteOptions = {},
): Promise<VerifyNoteResult> {
  const maxBytes = options.maxBytes ?? MAX_NOTE_BYTES;
  const maxSignatures = options.maxSignatures ?? MAX_NOTE_SIGNATURES;
  const malformed = (message: string): VerifyNoteResult => ({ ok: false, code: "note_malformed", message });
  try {
    const known = resolveKeys(keys);
    if (!known.ok) return known;

    let text: string | null;
    if (note instanceof Uint8Array) {
      if (note.length > maxBytes) return { ok: false, code: "note_too_large", message: `note exceeds ${maxBytes} bytes` };
      text = tryUtf8Decode(note);
      if (text === null) return malformed("note is not valid UTF-8");
    } else if (typeof note === "string") {
      // A string's UTF-8 size is at least its length, so the cheap check comes first.
      if (note.length > maxBytes || utf8Encode(note).length > maxBytes) return { ok: false, code: "note_too_large", message: `note exceeds ${maxBytes} bytes` };
      if (!isWellFormedUnicode(note)) return malformed("note is not valid Unicode");
      text = note;
    } else {
      return malformed("note must be a string or bytes");
    }
    if (CONTROL.test(text)) return malformed("note contains a control character other than newline");

    // The text ends at the last blank line; signature lines never contain one.
    const split = text.lastIndexOf("\n\n");
    if (split < 0) return malformed("note has no blank line before its signatures");
    const body = text.slice(0, split + 1);
    const block = text.slice(split + 2);
    if (block.length === 0 || !block.endsWith("\n")) return malformed("signature block must be non-empty and end with a newline");
    const lines = block.slice(0, -1).split("\n");
    if (lines.length > maxSignatures) return malformed(`note has more than ${maxSignatures} signatures`);

    const message = utf8Encode(body);
    const verifiedBy = new Set<string>();
    const seen = new Set<string>();
    for (const line of lines) {
      if (!line.startsWith(SIG_PREFIX)) return malformed("signature line must start with an em dash and a space");
      const rest = line.slice(SIG_PREFIX.length);
      const space = rest.indexOf(" ");
      const name = space < 0 ? "" : rest.slice(0, space);
      const sig = space < 0 ? null : tryBase64Decode(rest.slice(space + 1));
      if (!isValidKeyName(name) || !sig || sig.length < 5) return malformed("signature line must be '— <name> <base64 signature>'");
      if (seen.has(line)) continue; // an identical repeated line adds nothing
      seen.add(line);
      const id = sig.subarray(0, 4);
      const candidates = known.keys.filter((k) => k.name === name && constantTimeEqual(k.keyId, id));
      if (candidates.length === 0) continue; // unknown key: ignored, as the spec requires
      const raw = sig.subarray(4);
      let valid = false;
      for (const k of candidates) {
        if (raw.length === 64 && (await backend.verify(k.publicKey, message, raw))) valid = true;
      }
      if (!valid) return { ok: false, code: "signature_invalid", message: `signature by ${name} does not verify` };
      verifiedBy.add(name);
    }
    if (verifiedBy.size === 0) return { ok: false, code: "no_known_signature", message: "note has no signature from a trusted key" };
    return { ok: true, body, verifiedBy: [...verifiedBy] };
  } catch {
    // Defence in depth: a misbehaving back end or hostile object must not crash the caller.
    return malformed("note could not be verified");
  }
}

type KnownKeys = { ok: true; keys: (NoteKey & { keyId: Uint8Array })[] } | { ok: false; code: "key_invalid"; message: string };

function resolveKeys(keys: readonly (string | NoteKey)[]): KnownKeys {
  if (!Array.isArray(keys)) return { ok: false, code: "key_invalid", message: "verifier keys must be an array" };
  const out: (NoteKey & { keyId: Uint8Array })[] = [];
  for (const k of keys) {
    if (typeof k === "string") {
      const parsed = parseVkey(k);
      if (!parsed.ok) return parsed;
      out.push(parsed.key);
    } else if (k && isValidKeyName(k.name) && k.publicKey instanceof Uint8Array && k.publicKey.length === 32) {
      out.push({ name: k.name, publicKey: k.publicKey, keyId: noteKeyId(k.name, k.publicKey) });
    } else {
      return { ok: false, code: "key_invalid", message: "verifier key must be a vkey string or {name, publicKey}" };
    }
  }
  return { ok: true, keys: out };
}
