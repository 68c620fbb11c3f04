/**
 * The verifier's vocabulary (options, results, failure codes) and the parsing and validation
 * of each kind of export line (portable). Each parse function answers a typed value or
 * throws a VerifyFailure with a sentence for people.
 */
import type { Ed25519Backend } from "../protocol/ed25519";
import { tryBase64Decode } from "../protocol/encoding";
import { parsePublicKey } from "../protocol/key-parse";
import type { HashedAuditEntry } from "./entry";
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportHeaderLine } from "./export-format";
import { isHash, popCount } from "./merkle-hash";
import type { TreeState } from "./merkle-compact";

export type VerifyExportCode =
  | "malformed"
  | "key_invalid"
  | "frontier_invalid"
  | "seq_gap"
  | "link_mismatch"
  | "hash_mismatch"
  | "actor_mismatch"
  | "key_missing"
  | "signature_invalid"
  | "range_mismatch"
  | "checkpoint_missing"
  | "checkpoint_invalid"
  | "root_mismatch"
  | "consistency_invalid";

export interface VerifyExportOptions {
  backend: Ed25519Backend;
  /** The log's vkey, obtained independently (e.g. /.well-known/pteri-log-key). Without it the export's own claim is used. */
  logKey?: string;
  /** Called with the number of entries checked so far, every 1024 entries. */
  onProgress?: (entries: number) => void;
}

export interface VerifyExportSummary {
  origin: string;
  from: number;
  to: number;
  entries: number;
  machineSignatures: number;
  checkpointSize: number;
  /** base64, as in the checkpoint */
  rootHash: string;
  /** False when the log key came from the export itself (see warnings). */
  logKeyPinned: boolean;
}

export type VerifyExportResult =
  | ({ ok: true; warnings: string[] } & VerifyExportSummary)
  | { ok: false; code: VerifyExportCode; message: string; seq?: number; line: number; warnings: string[] };

export const UNPINNED_LOG_KEY_WARNING =
  "WARNING: no --log-key given: the checkpoint signature was checked against the log key named inside the export, " +
  "which whoever forged the export could have replaced. Pin the key (from /.well-known/pteri-log-key) to prove anything.";

export class VerifyFailure extends Error {
  constructor(
    readonly code: VerifyExportCode,
    message: string,
    readonly seq?: number,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
const HEX64 = /^[0-9a-f]{64}$/;
const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

export function parseLine(text: string, lineNo: number): Json & { kind: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VerifyFailure("malformed", `line ${lineNo}: not valid JSON: the file is damaged or not an audit export`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || typeof (value as Json).kind !== "string") {
    throw new VerifyFailure("malformed", `line ${lineNo}: not an export line (a JSON object with a "kind")`);
  }
  return value as Json & { kind: string };
}

export function parseHeader(o: Json): ExportHeaderLine {
  const bad = (what: string) => new VerifyFailure("malformed", `line 1: not a PTERI audit export header (${what})`);
  if (o.kind !== "header" || o.format !== EXPORT_FORMAT) throw bad(`the first line must be {"kind":"header","format":"${EXPORT_FORMAT}",...}`);
  if (o.version !== EXPORT_VERSION) throw bad(`version ${JSON.stringify(o.version)} is not supported; this verifier reads version ${EXPORT_VERSION}`);
  if (typeof o.origin !== "string" || typeof o.logKey !== "string" || typeof o.exportedAt !== "string") throw bad("origin, logKey and exportedAt must be strings");
  if (!isCount(o.from) || typeof o.to !== "number" || !Number.isSafeInteger(o.to) || o.to < o.from - 1) throw bad("from and to must be whole numbers with to >= from - 1");
  return o as unknown as ExportHeaderLine;
}

/** A key line's public key, after checking that its keyId is the key's own thumbprint. */
export function parseKeyLine(o: Json): { keyId: string; publicKey: Uint8Array } {
  const keyId = typeof o.keyId === "string" ? o.keyId : "";
  const parsed = typeof o.publicJwk === "object" && o.publicJwk !== null ? parsePublicKey(o.publicJwk) : null;
  if (!parsed || !parsed.ok) {
    throw new VerifyFailure("key_invalid", `key ${JSON.stringify(keyId.slice(0, 64))}: not a valid Ed25519 public key${parsed ? ` (${parsed.reason})` : ""}`);
  }
  if (parsed.key.keyId !== keyId) {
    throw new VerifyFailure("key_invalid", `key ${JSON.stringify(keyId.slice(0, 64))}: its keyId is not the thumbprint of its public key: the key was substituted`);
  }
  return { keyId, publicKey: parsed.key.raw };
}

export function decodeHashes(value: unknown, what: string, code: VerifyExportCode): Uint8Array[] {
  if (!Array.isArray(value) || value.length > 64) throw new VerifyFailure(code, `${what} must be a list of base64 hashes`);
  return value.map((h) => {
    const bytes = tryBase64Decode(h);
    if (!isHash(bytes)) throw new VerifyFailure(code, `${what} must be a list of base64 32-byte hashes`);
    return bytes;
  });
}

export function parseFrontier(o: Json, from: number): { state: TreeState; lastLeafProof: Uint8Array[] } {
  if (o.size !== from) throw new VerifyFailure("frontier_invalid", `the frontier is for size ${JSON.stringify(o.size)}, but the export starts at entry ${from}`);
  const hashes = decodeHashes(o.hashes, "the frontier", "frontier_invalid");
  if (hashes.length !== popCount(from)) throw new VerifyFailure("frontier_invalid", `the frontier of size ${from} must hold ${popCount(from)} hashes`);
  return { state: { size: from, hashes }, lastLeafProof: decodeHashes(o.lastLeafProof, "the frontier's lastLeafProof", "frontier_invalid") };
}

/** Just enough shape to hash and link the entry; any other change shows as a hash mismatch. */
export function parseEntry(o: Json, expectedSeq: number): HashedAuditEntry {
  const seq = typeof o.seq === "number" && Number.isSafeInteger(o.seq) ? o.seq : expectedSeq;
  const bad = (what: string) => new VerifyFailure("malformed", `entry ${seq}: malformed (${what})`, seq);
  if (o.v !== 1) throw bad(`entry format version ${JSON.stringify(o.v)} is not supported`);
  if (!isCount(o.seq)) throw bad("seq must be a whole number");
  if (typeof o.prevHash !== "string" || !HEX64.test(o.prevHash) || typeof o.entryHash !== "string" || !HEX64.test(o.entryHash)) {
    throw bad("prevHash and entryHash must be 64 lowercase hex digits");
  }
  const actor = o.actor as Json | null;
  if (typeof actor !== "object" || actor === null || typeof actor.type !== "string" || typeof actor.id !== "string") throw bad("actor must be {type, id}");
  return o as unknown as HashedAuditEntry;
}

export function signatureFailure(seq: number): VerifyFailure {
  return new VerifyFailure("signature_invalid", `entry ${seq}: machine signature invalid: the signed material was altered or not signed by this machine`, seq);
}

export function seqFailure(seq: number, expected: number, from: number, first: boolean): VerifyFailure {
  if (first) return new VerifyFailure("seq_gap", `entry ${seq}: the export should start at entry ${from}`, seq);
  if (seq > expected) {
    const missing = seq - expected === 1 ? `entry ${expected} is missing` : `entries ${expected} to ${seq - 1} are missing`;
    return new VerifyFailure("seq_gap", `entry ${seq}: follows entry ${expected - 1}, ${missing}: entries were removed`, seq);
  }
  return new VerifyFailure("seq_gap", `entry ${seq}: out of order after entry ${expected - 1}: entries were duplicated or reordered`, seq);
}
