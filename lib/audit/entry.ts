/**
 * The audit entry format, version 1 (docs/audit.md). Portable: the server hashes entries
 * with it when appending, and the CLI and the browser re-hash them when verifying.
 *
 * An entry's hash is SHA-256 over the domain-separated RFC 8785 canonical JSON of the
 * document below (which includes the previous entry's hash: the hash chain). Its Merkle leaf
 * is RFC 6962 leafHash(entry hash bytes), so an inclusion proof proves the whole entry.
 */
import { hashDocument } from "../protocol/jcs";
import { hexDecode, hexEncode } from "../protocol/encoding";
import { leafHash } from "./merkle-hash";

export const AUDIT_ENTRY_VERSION = 1;
export const GENESIS_PREV_HASH = "0".repeat(64);

export type AuditActorType = "machine" | "operator" | "host" | "system";
export interface AuditActor {
  type: AuditActorType;
  /** Machine key id, operator id, host command name, or "pteri". */
  id: string;
}

/** What an entry concerns, by id. Only the keys that apply are present. */
export interface AuditSubjects {
  machine?: string;
  intent?: string;
  policyVersion?: string;
  approval?: string;
  operator?: string;
}

/** Exactly what is hashed. JSON-only values: the document must canonicalize. */
export interface AuditEntryDocument {
  v: typeof AUDIT_ENTRY_VERSION;
  seq: number;
  time: string;
  type: string;
  actor: AuditActor;
  subjects: AuditSubjects;
  summary: string;
  evidence: Record<string, unknown>;
  prevHash: string;
}

export interface HashedAuditEntry extends AuditEntryDocument {
  entryHash: string;
}

export function entryHash(doc: AuditEntryDocument): string {
  return hexEncode(hashDocument("audit-entry", AUDIT_ENTRY_VERSION, doc));
}

/** The entry's RFC 6962 Merkle leaf hash. */
export function entryLeafHash(entryHashHex: string): Uint8Array {
  return leafHash(hexDecode(entryHashHex));
}

/** Only the hashed fields, in a fresh object: extra fields never sneak into a hash. */
export function entryDocument(entry: AuditEntryDocument): AuditEntryDocument {
  const { v, seq, time, type, actor, subjects, summary, evidence, prevHash } = entry;
  return { v, seq, time, type, actor: { type: actor.type, id: actor.id }, subjects, summary, evidence, prevHash };
}
