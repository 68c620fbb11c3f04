/**
 * Audit receipts (docs/audit.md, "Receipts"): for one intent, its audit entries, each with an
 * RFC 6962 inclusion proof into ONE checkpoint signed by the log key, so the machine that
 * submitted the intent can prove later, offline and without trusting PTERI, that its
 * submission, the decision, the approvals and the execution are on the record.
 *
 * Modelled on C2SP tlog-proof (c2sp.org/tlog-proof): index, inclusion proof from the leaf's
 * sibling up, and the checkpoint verbatim; carried as JSON because one receipt holds several
 * entries under the same checkpoint (formatTlogProof gives each one in the C2SP text form).
 *
 * Portable (no node: imports): the CLI verifies with it, a browser could.
 */
import type { Ed25519Backend } from "../protocol/ed25519";
import { tryBase64Decode } from "../protocol/encoding";
import { SIGNED_DECISION_EVENTS } from "../approvals/events";
import { INTENT_EVENTS } from "../intents/events";
import { parseVkey, verifyCheckpoint, type Checkpoint } from "./checkpoint";
import { entryDocument, entryHash, entryLeafHash, type HashedAuditEntry } from "./entry";
import { MACHINE_REQUEST, parseMachineSignature } from "./evidence";
import type { ExportKeyLine } from "./export-format";
import { isHash } from "./merkle-hash";
import { verifyInclusion } from "./merkle-verify";
import { parseKeyLine } from "./verify-lines";
import { approvalEntryFailure } from "./verify-signatures";

export const RECEIPT_FORMAT = "pteri-audit-receipt";
export const RECEIPT_VERSION = 1;
/** An intent has a handful of entries; the bound keeps a hostile file cheap to refuse. */
export const MAX_RECEIPT_ENTRIES = 1000;

export interface ReceiptEntry {
  /** Leaf index of the entry in the checkpoint's tree (= entry.seq). */
  index: number;
  /** RFC 6962 inclusion proof into the checkpoint's tree: base64 hashes, leaf's sibling first. */
  proof: string[];
  entry: HashedAuditEntry;
}

export interface AuditReceipt {
  format: typeof RECEIPT_FORMAT;
  version: typeof RECEIPT_VERSION;
  /** The log's checkpoint origin. */
  origin: string;
  /** The log's verifier key as the server claims it: verify with a key pinned independently. */
  logKey: string;
  /** RFC 7638 thumbprint of the log's public key (as in /.well-known/pteri-log-key). */
  logKeyId: string;
  /** The intent the receipt is about. */
  intentId: string;
  issuedAt: string;
  /** The signed note (C2SP tlog-checkpoint) every proof leads to. */
  checkpoint: string;
  /** Public keys of the machines whose signatures the entries hold (keyId = thumbprint, checked). */
  keys: Omit<ExportKeyLine, "kind">[];
  /** In seq order. */
  entries: ReceiptEntry[];
}

/** One entry of a receipt as a C2SP tlog-proof text (without extra data). */
export function formatTlogProof(entry: Pick<ReceiptEntry, "index" | "proof">, checkpoint: string): string {
  return ["c2sp.org/tlog-proof@v1", `index ${entry.index}`, ...entry.proof, "", checkpoint].join("\n");
}

export type ReceiptFailureCode =
  | "malformed"
  | "key_invalid"
  | "checkpoint_invalid"
  | "hash_mismatch"
  | "inclusion_invalid"
  | "intent_mismatch"
  | "actor_mismatch"
  | "key_missing"
  | "signature_invalid";

export type VerifiedReceipt = { ok: true; receipt: AuditReceipt; checkpoint: Checkpoint; machineSignatures: number; approvalSignatures: number };
export type VerifyReceiptResult = VerifiedReceipt | { ok: false; code: ReceiptFailureCode; message: string; seq?: number };

class ReceiptFailure extends Error {
  constructor(
    readonly code: ReceiptFailureCode,
    message: string,
    readonly seq?: number,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
const fail = (code: ReceiptFailureCode, message: string, seq?: number): never => {
  throw new ReceiptFailure(code, message, seq);
};

/**
 * Checks a receipt against the pinned log key: the checkpoint's signature and origin, every
 * entry's hash and inclusion proof, that every entry belongs to the intent, and every machine
 * signature and passkey assertion in them. The first failure is reported.
 */
export async function verifyReceipt(value: unknown, options: { logKey: string; backend: Ed25519Backend }): Promise<VerifyReceiptResult> {
  try {
    return await check(value, options);
  } catch (error) {
    if (!(error instanceof ReceiptFailure)) throw error;
    return { ok: false, code: error.code, message: error.message, ...(error.seq === undefined ? {} : { seq: error.seq }) };
  }
}

async function check(value: unknown, options: { logKey: string; backend: Ed25519Backend }): Promise<VerifiedReceipt> {
  const receipt = parseReceipt(value);
  const key = parseVkey(options.logKey);
  if (!key.ok) fail("key_invalid", `the log key is not a valid verifier key (${key.message})`);
  const checked = await verifyCheckpoint(receipt.checkpoint, [options.logKey], options.backend);
  if (!checked.ok) return fail("checkpoint_invalid", `the receipt's checkpoint is not validly signed by the log key (${checked.message})`);
  const cp = checked.checkpoint;
  if (cp.origin !== receipt.origin) fail("checkpoint_invalid", `the checkpoint is for log ${JSON.stringify(cp.origin)}, but the receipt says ${JSON.stringify(receipt.origin)}`);

  let previous = -1;
  for (const { index, proof, entry } of receipt.entries) {
    if (entry.seq !== index) fail("malformed", `entry ${entry.seq}: its index in the receipt is ${index}`, entry.seq);
    if (index <= previous) fail("malformed", `entry ${index}: entries must be in increasing seq order, without repeats`, index);
    previous = index;
    let hash: string;
    try {
      hash = entryHash(entryDocument(entry));
    } catch {
      return fail("malformed", `entry ${index}: cannot be canonicalized (not plain JSON): the entry was modified`, index);
    }
    if (hash !== entry.entryHash) fail("hash_mismatch", `entry ${index}: hash mismatch: the entry was modified`, index);
    if (!verifyInclusion(entryLeafHash(hash), index, cp.size, decodeProof(proof, index), cp.rootHash)) {
      fail("inclusion_invalid", `entry ${index}: its inclusion proof does not lead to the signed checkpoint (size ${cp.size}): the entry or its proof was altered`, index);
    }
  }
  checkMembership(receipt);
  const keys = new Map(receipt.keys.map((k) => {
    try {
      const parsed = parseKeyLine(k as unknown as Json);
      return [parsed.keyId, parsed.publicKey] as const;
    } catch (error) {
      return fail("key_invalid", error instanceof Error ? error.message : String(error));
    }
  }));
  const counts = await checkSignatures(receipt.entries.map((e) => e.entry), keys, options.backend);
  return { ok: true, receipt, checkpoint: cp, ...counts };
}

function parseReceipt(value: unknown): AuditReceipt {
  const bad = (what: string) => fail("malformed", `not a PTERI audit receipt (${what})`);
  if (!isObject(value)) return bad("not a JSON object");
  if (value.format !== RECEIPT_FORMAT) bad(`format must be "${RECEIPT_FORMAT}"`);
  if (value.version !== RECEIPT_VERSION) bad(`version ${JSON.stringify(value.version)} is not supported; this verifier reads version ${RECEIPT_VERSION}`);
  for (const field of ["origin", "logKey", "intentId", "checkpoint"] as const) if (typeof value[field] !== "string" || !value[field]) bad(`${field} must be a string`);
  if (!Array.isArray(value.keys) || value.keys.length > MAX_RECEIPT_ENTRIES || !value.keys.every(isObject)) bad("keys must be a list of keys");
  const entries = value.entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_RECEIPT_ENTRIES) bad(`entries must be a list of 1 to ${MAX_RECEIPT_ENTRIES} entries`);
  for (const e of entries as unknown[]) {
    if (!isObject(e) || !Number.isSafeInteger(e.index) || (e.index as number) < 0 || !Array.isArray(e.proof) || !isObject(e.entry)) bad("every entry needs index, proof and entry");
    const entry = (e as Json).entry as Json;
    const actor = entry.actor as Json | undefined;
    if (entry.v !== 1 || !Number.isSafeInteger(entry.seq) || typeof entry.type !== "string" || typeof entry.entryHash !== "string" || !isObject(entry.subjects) || !isObject(entry.evidence) || !isObject(actor) || typeof actor.type !== "string" || typeof actor.id !== "string") {
      bad(`entry ${JSON.stringify((e as Json).index)} is not an audit entry (version 1)`);
    }
  }
  return value as unknown as AuditReceipt;
}

function decodeProof(proof: unknown[], seq: number): Uint8Array[] {
  if (proof.length > 64) fail("inclusion_invalid", `entry ${seq}: the inclusion proof is too long`, seq);
  return proof.map((h) => {
    const bytes = tryBase64Decode(h);
    return isHash(bytes) ? bytes : fail("inclusion_invalid", `entry ${seq}: the inclusion proof must be base64 32-byte hashes`, seq);
  });
}

/**
 * Every entry must be about the receipt's intent: its subjects name it, or it is the signed
 * request (machine.request) an entry of the intent names as its own (the submission, or a
 * resource service's verify call). Exactly one intent.submitted anchors the set.
 */
function checkMembership(receipt: AuditReceipt): void {
  const entries = receipt.entries.map((e) => e.entry);
  const about = entries.filter((e) => e.subjects.intent === receipt.intentId);
  const submitted = about.filter((e) => e.type === INTENT_EVENTS.submitted);
  if (submitted.length !== 1) fail("intent_mismatch", `the receipt must hold exactly one ${INTENT_EVENTS.submitted} entry of intent ${JSON.stringify(receipt.intentId)} (it holds ${submitted.length})`);
  const named = new Set<number>();
  for (const e of about) {
    for (const field of ["requestSeq", "verifyRequestSeq"]) {
      const seq = e.evidence[field];
      if (typeof seq === "number") named.add(seq);
    }
  }
  for (const e of entries) {
    if (e.subjects.intent === receipt.intentId) continue;
    if (e.type === MACHINE_REQUEST && named.has(e.seq)) continue;
    fail("intent_mismatch", `entry ${e.seq}: it is not about intent ${JSON.stringify(receipt.intentId)}: entries of another intent were mixed in`, e.seq);
  }
}

/** Machine signatures (requests, and the executed request an intent.executed keeps) and passkey assertions. */
async function checkSignatures(entries: HashedAuditEntry[], keys: Map<string, Uint8Array>, backend: Ed25519Backend): Promise<{ machineSignatures: number; approvalSignatures: number }> {
  let machineSignatures = 0;
  let approvalSignatures = 0;
  for (const e of entries) {
    if (e.type === MACHINE_REQUEST) {
      const parsed = parseMachineSignature(e.evidence);
      if (parsed.ok && (e.actor.type !== "machine" || e.actor.id !== parsed.keyId)) fail("actor_mismatch", `entry ${e.seq}: the entry's actor is not the machine whose key signed the request`, e.seq);
      await machineSignature(e, e.evidence, keys, backend);
      machineSignatures++;
    } else if (e.type === INTENT_EVENTS.executed) {
      await machineSignature(e, e.evidence.request, keys, backend);
      machineSignatures++;
    } else if (SIGNED_DECISION_EVENTS.includes(e.type)) {
      const failure = await approvalEntryFailure(e);
      if (failure) fail("signature_invalid", `entry ${e.seq}: approval signature invalid: ${failure}`, e.seq);
      approvalSignatures++;
    }
  }
  return { machineSignatures, approvalSignatures };
}

async function machineSignature(e: HashedAuditEntry, evidence: unknown, keys: Map<string, Uint8Array>, backend: Ed25519Backend): Promise<void> {
  const parsed = parseMachineSignature(evidence);
  if (!parsed.ok) fail("signature_invalid", `entry ${e.seq}: machine signature evidence is unusable (${parsed.reason})`, e.seq);
  const ok = parsed as Extract<typeof parsed, { ok: true }>;
  const key = keys.get(ok.keyId);
  if (!key) fail("key_missing", `entry ${e.seq}: no key for machine ${ok.keyId} in the receipt: its signature cannot be checked`, e.seq);
  let valid = false;
  try {
    valid = await backend.verify(key!, ok.message, ok.signature);
  } catch {
    valid = false;
  }
  if (!valid) fail("signature_invalid", `entry ${e.seq}: machine signature invalid: the signed material was altered or not signed by this machine`, e.seq);
}
