/**
 * What machines and the Console say to each other about enrollment and key changes: paths,
 * body shapes and the key-change statement. Portable (no node:, no database), because the SDK
 * and CLI build these messages and the server checks them with the very same definitions.
 *
 * Enrollment (POST ENROLL_PATH): a request signed per PTERI's rules (RFC 9421: @method,
 * @target-uri, content-digest, content-type, created, expires, nonce, keyid) with the NEW
 * private key, whose keyid must be the thumbprint of `publicKey` in the body. The signature
 * covers the target URI (so it binds the server) and the Content-Digest of the body (so it
 * binds the ticket and the public key): a stolen signed request is useless elsewhere, and
 * nobody can enroll a key they do not hold.
 *
 * Key change (POST REKEY_PATH): a normal signed request with the CURRENT key, whose body
 * carries the new public key and `proof`, an Ed25519 signature by the NEW key over
 * keyChangeMessage(statement): both keys agree to the change, for this server only.
 */
import { base64UrlEncode, utf8Encode } from "../protocol/encoding";
import { canonicalJson, documentHashPrefix } from "../protocol/jcs";
import type { PublicJwk } from "../protocol/keys";

export const ENROLL_PATH = "/api/v1/enroll";
export const REKEY_PATH = "/api/v1/machine/rekey";
/** Machines holding the audit.read permission download the audit export here (signed GET). */
export const AUDIT_EXPORT_PATH = "/api/v1/audit/export";
/** Provisioning bots with the machines.enroll permission create tickets here (signed). */
export const MACHINE_TICKETS_PATH = "/api/v1/enrollment-tickets";

/**
 * Enrollment tickets: a recognizable prefix (so secret scanners and people can tell what
 * leaked) and 32 random bytes, base64url.
 */
export const TICKET_PREFIX = "pteri_et_";
const TICKET_RE = /^pteri_et_[A-Za-z0-9_-]{43}$/;

export function isTicketShaped(value: unknown): value is string {
  return typeof value === "string" && TICKET_RE.test(value);
}

export interface EnrollRequestBody {
  ticket: string;
  publicKey: PublicJwk;
}

export interface RekeyRequestBody {
  publicKey: PublicJwk;
  /** base64url Ed25519 signature by the new key over keyChangeMessage(statement). */
  proof: string;
}

export interface KeyChangeStatement {
  type: "pteri.key-change";
  /** The Console's origin (PTERI_PUBLIC_URL's scheme, host and port). */
  server: string;
  oldKeyId: string;
  newKeyId: string;
}

export function keyChangeStatement(server: string | URL, oldKeyId: string, newKeyId: string): KeyChangeStatement {
  return { type: "pteri.key-change", server: new URL(server).origin, oldKeyId, newKeyId };
}

/** The bytes the new key signs: a domain-separation prefix, then the statement as RFC 8785 JSON. */
export function keyChangeMessage(statement: KeyChangeStatement): Uint8Array {
  return utf8Encode(documentHashPrefix("key-change", 1) + canonicalJson(statement));
}

/** The proof, as the body carries it. */
export function encodeProof(signature: Uint8Array): string {
  return base64UrlEncode(signature);
}

/** What machines and tickets may be granted on PTERI's own API. None by default. */
export const MACHINE_PERMISSIONS = ["machines.enroll", "intents.verify", "audit.read"] as const;
export type MachinePermission = (typeof MACHINE_PERMISSIONS)[number];

export const MACHINE_PERMISSION_DESCRIPTIONS: Record<MachinePermission, string> = {
  "machines.enroll": "Create enrollment tickets through the signed API (for provisioning bots).",
  "intents.verify": "Verify intents and their approvals before executing them (resource services).",
  "audit.read": "Export the audit log through the signed API.",
};

/** A resource service verifying intents (intents.verify) may do so only for the audiences it is granted, at most this many. */
export const MAX_VERIFY_AUDIENCES = 20;

/**
 * An audience (a resource service's base URL) in the one form it is stored and compared in:
 * the URL's href, without the "/" a bare origin gains (https://svc.example, not
 * https://svc.example/), as the SDK writes it into intents. null when it is not an absolute
 * http(s) URL without credentials or fragment.
 */
export function normalizeAudience(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.hash || text.includes("#")) return null;
  return url.pathname === "/" && !url.search ? url.href.slice(0, -1) : url.href;
}

export function isMachinePermission(value: unknown): value is MachinePermission {
  return typeof value === "string" && (MACHINE_PERMISSIONS as readonly string[]).includes(value);
}
