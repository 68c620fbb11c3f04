/**
 * Re-verifies an entry's chain of custody from the bytes of GET /api/audit/entries/{seq} and
 * the log's public key, trusting nothing else the server said. Portable (the Console runs it
 * in the browser with @noble/ed25519; tests run it in Node) and built only from the verifiers
 * `pteri audit verify` runs: entry.ts (hash), evidence.ts (machine signatures),
 * verify-signatures.ts (passkey approvals, WebCrypto), merkle-verify.ts (inclusion) and
 * checkpoint.ts (the log's signature).
 *
 * For each entry: its hash recomputed from the canonical document; its link to the entries
 * before and after it; the signatures it carries; and the inclusion of the RECOMPUTED hash's
 * leaf in the signed checkpoint, which is what makes the other checks evidence: neighbouring
 * hashes and proofs come from the server, but no server can make a changed entry's leaf
 * verify against a root the log key signed.
 */
import { SIGNED_DECISION_EVENTS } from "../approvals/events";
import type { Ed25519Backend } from "../protocol/ed25519";
import { tryBase64Decode } from "../protocol/encoding";
import { parsePublicKey } from "../protocol/key-parse";
import { parseVkey, verifyCheckpoint, type Checkpoint } from "./checkpoint";
import type { AuditEntryDetail, CustodyEntry } from "./custody/wire";
import { GENESIS_PREV_HASH, entryDocument, entryHash, entryLeafHash, type HashedAuditEntry } from "./entry";
import { MACHINE_REQUEST, parseMachineSignature } from "./evidence";
import { INTENT_EVENTS } from "../intents/events";
import { verifyInclusion } from "./merkle-verify";
import { approvalEntryFailure } from "./verify-signatures";
import { parseEntry } from "./verify-lines";

export type CheckKind = "checkpoint" | "hash" | "link" | "signature" | "approval" | "inclusion";

export interface CheckResult {
  kind: CheckKind;
  ok: boolean;
  /** One sentence saying what held or what failed. */
  sentence: string;
  /** The values compared, for people who want to see them. */
  details: string;
}

export interface EntryVerification {
  seq: number;
  type: string;
  ok: boolean;
  checks: CheckResult[];
}

export interface CustodyVerification {
  ok: boolean;
  checkpoint: CheckResult;
  entries: EntryVerification[];
}

const pass = (kind: CheckKind, sentence: string, details = ""): CheckResult => ({ kind, ok: true, sentence, details });
const fail = (kind: CheckKind, sentence: string, details = ""): CheckResult => ({ kind, ok: false, sentence, details });

/** @param logKey the log's verifier key (vkey), obtained from /.well-known/pteri-log-key or pinned earlier. */
export async function verifyCustody(detail: AuditEntryDetail, logKey: string, backend: Ed25519Backend): Promise<CustodyVerification> {
  const { check, checkpoint } = await checkCheckpoint(detail, logKey, backend);
  const entries = await Promise.all(detail.entries.map((e) => verifyEntry(e, checkpoint, backend)));
  return { ok: check.ok && entries.every((e) => e.ok), checkpoint: check, entries };
}

async function checkCheckpoint(detail: AuditEntryDetail, logKey: string, backend: Ed25519Backend): Promise<{ check: CheckResult; checkpoint: Checkpoint | null }> {
  const key = parseVkey(logKey.trim());
  if (!key.ok) return { check: fail("checkpoint", `The log key is not a valid verifier key (${key.message}).`), checkpoint: null };
  const checked = await verifyCheckpoint(detail.checkpoint?.note ?? "", [logKey.trim()], backend, { origin: key.key.name });
  if (!checked.ok) return { check: fail("checkpoint", `The checkpoint is not validly signed by the log key: ${checked.message}.`, detail.checkpoint?.note ?? ""), checkpoint: null };
  const cp = checked.checkpoint;
  return { check: pass("checkpoint", `The checkpoint of ${cp.size} entries is signed by the log key ${key.key.name}.`, detail.checkpoint.note), checkpoint: cp };
}

async function verifyEntry(item: CustodyEntry, checkpoint: Checkpoint | null, backend: Ed25519Backend): Promise<EntryVerification> {
  const line = item.line as unknown as Record<string, unknown>;
  const seq = typeof line.seq === "number" ? line.seq : -1;
  const type = typeof line.type === "string" ? line.type : "?";
  let entry: HashedAuditEntry;
  try {
    entry = parseEntry(line, seq);
  } catch (error) {
    const checks = [fail("hash", `The entry is malformed: ${error instanceof Error ? error.message : "unreadable"}.`)];
    return { seq, type, ok: false, checks };
  }
  const recomputed = recomputeHash(entry);
  const checks = [hashCheck(entry, recomputed), linkCheck(entry, item, recomputed), ...(await signatureChecks(entry, backend)), inclusionCheck(entry, item, recomputed, checkpoint)];
  return { seq, type, ok: checks.every((c) => c.ok), checks };
}

function recomputeHash(entry: HashedAuditEntry): string | null {
  try {
    return entryHash(entryDocument(entry));
  } catch {
    return null;
  }
}

function hashCheck(entry: HashedAuditEntry, recomputed: string | null): CheckResult {
  if (recomputed === null) return fail("hash", "The entry cannot be canonicalized (it is not plain JSON): it was modified.");
  const details = `recomputed ${recomputed}\nstored     ${entry.entryHash}`;
  return recomputed === entry.entryHash
    ? pass("hash", "The entry's hash, recomputed from its content, is the stored hash.", details)
    : fail("hash", "Hash mismatch: the entry's content is not what was hashed when it was appended; it was modified.", details);
}

function linkCheck(entry: HashedAuditEntry, item: CustodyEntry, recomputed: string | null): CheckResult {
  const previous = entry.seq === 0 ? GENESIS_PREV_HASH : item.previousEntryHash;
  const details = `prevHash: ${entry.prevHash}\nentry ${entry.seq - 1} hash: ${previous ?? "(missing)"}\nentry ${entry.seq + 1} prevHash: ${item.nextPrevHash ?? "(none yet)"}`;
  if (entry.prevHash !== previous) return fail("link", `The entry does not link to entry ${entry.seq - 1}: an entry was removed, inserted or changed before it.`, details);
  if (item.nextPrevHash !== null && item.nextPrevHash !== recomputed) return fail("link", `Entry ${entry.seq + 1} does not link to this entry as it is now: it was changed after entry ${entry.seq + 1} was appended.`, details);
  return pass("link", item.nextPrevHash === null ? `It links to entry ${entry.seq - 1}; it is the latest entry.` : `It links to entry ${entry.seq - 1}, and entry ${entry.seq + 1} links to it.`, details);
}

/** An Ed25519 request signature kept in evidence, with the public key the evidence names (its thumbprint must be the keyid). */
async function requestSignature(evidence: unknown, backend: Ed25519Backend, actorKeyId: string | null): Promise<CheckResult> {
  const parsed = parseMachineSignature(evidence);
  if (!parsed.ok) return fail("signature", `The machine signature cannot be checked: ${parsed.reason}.`);
  if (actorKeyId !== null && actorKeyId !== parsed.keyId) return fail("signature", "The entry's actor is not the machine whose key signed the request.");
  const jwk = (evidence as { publicJwk?: unknown }).publicJwk;
  const key = typeof jwk === "object" && jwk !== null ? parsePublicKey(jwk) : null;
  if (!key?.ok) return fail("signature", "The evidence holds no valid Ed25519 public key for the signer.");
  if (key.key.keyId !== parsed.keyId) return fail("signature", "The public key in the evidence is not the key the keyid names (its thumbprint differs): the key was substituted.");
  const details = `keyid ${parsed.keyId}\n\n${new TextDecoder().decode(parsed.message)}`;
  const valid = await backend.verify(key.key.raw, parsed.message, parsed.signature).catch(() => false);
  return valid
    ? pass("signature", "The machine's Ed25519 signature over the recorded request verifies.", details)
    : fail("signature", "Machine signature invalid: the signed material was altered or not signed by this machine.", details);
}

async function signatureChecks(entry: HashedAuditEntry, backend: Ed25519Backend): Promise<CheckResult[]> {
  if (entry.type === MACHINE_REQUEST) return [await requestSignature(entry.evidence, backend, entry.actor.type === "machine" ? entry.actor.id : "")];
  if (entry.type === INTENT_EVENTS.executed) return [await requestSignature((entry.evidence as { request?: unknown }).request, backend, null)];
  if (SIGNED_DECISION_EVENTS.includes(entry.type)) {
    const failure = await approvalEntryFailure(entry).catch(() => "the assertion could not be checked");
    const statement = JSON.stringify((entry.evidence as { statement?: unknown }).statement ?? null, null, 2);
    return [failure === null ? pass("approval", "The operator's passkey signed this decision (WebAuthn assertion over the approval statement).", statement) : fail("approval", `Passkey signature invalid: ${failure}.`, statement)];
  }
  return [];
}

function inclusionCheck(entry: HashedAuditEntry, item: CustodyEntry, recomputed: string | null, checkpoint: Checkpoint | null): CheckResult {
  if (!checkpoint) return fail("inclusion", "Inclusion cannot be checked without a checkpoint signed by the log key.");
  if (recomputed === null) return fail("inclusion", "Inclusion cannot be checked: the entry cannot be hashed.");
  const proof = Array.isArray(item.inclusionProof) ? item.inclusionProof.map((h) => tryBase64Decode(h)) : [];
  const details = `leaf ${entry.seq} of ${checkpoint.size}, ${proof.length} proof hashes`;
  if (entry.seq >= checkpoint.size) return fail("inclusion", `The signed checkpoint covers ${checkpoint.size} entries, not entry ${entry.seq}.`, details);
  const ok = proof.every((p) => p !== null) && verifyInclusion(entryLeafHash(recomputed), entry.seq, checkpoint.size, proof as Uint8Array[], checkpoint.rootHash);
  return ok
    ? pass("inclusion", `The entry, as it is now, is leaf ${entry.seq} of the tree the log key signed.`, details)
    : fail("inclusion", "Not in the signed tree: the entry as it is now is not the one the log key signed (or the proof is wrong).", details);
}
