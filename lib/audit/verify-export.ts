/**
 * Offline verification of a JSONL audit export (format: export-format.ts, docs/audit.md).
 * Portable: no node: imports, the caller supplies the lines and the Ed25519 back end, so the
 * CLI and (later) the browser run the same checks. One pass, O(log n) memory.
 *
 * For every entry, in order: consecutive seq, hash link to the previous entry, entry hash
 * recomputed from the canonical document, and for `machine.request` the machine's signature
 * with the exported key whose thumbprint is the keyid. Then the Merkle root of everything up
 * to the last entry must match the signed checkpoint (directly, or through the consistency
 * proof), and the checkpoint must be signed by the log key. The first failure is reported.
 */
import { base64Encode, constantTimeEqual } from "../protocol/encoding";
import { parseVkey, verifyCheckpoint } from "./checkpoint";
import { GENESIS_PREV_HASH, entryDocument, entryHash, entryLeafHash, type HashedAuditEntry } from "./entry";
import { MACHINE_REQUEST, parseMachineSignature } from "./evidence";
import type { ExportHeaderLine } from "./export-format";
import { StreamingTree, rootOf } from "./merkle-compact";
import { verifyConsistency, verifyInclusion } from "./merkle-verify";
import {
  decodeHashes, parseEntry, parseFrontier, parseHeader, parseKeyLine, parseLine, seqFailure, signatureFailure,
  UNPINNED_LOG_KEY_WARNING, VerifyFailure, type VerifyExportOptions, type VerifyExportResult, type VerifyExportSummary,
} from "./verify-lines";
import { SIGNED_DECISION_EVENTS } from "../approvals/events";
import { approvalEntryFailure, SignatureQueue } from "./verify-signatures";

export { UNPINNED_LOG_KEY_WARNING, VerifyFailure } from "./verify-lines";
export type { VerifyExportCode, VerifyExportOptions, VerifyExportResult, VerifyExportSummary } from "./verify-lines";

export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, options: VerifyExportOptions): Promise<VerifyExportResult> {
  const verifier = new ExportVerifier(options);
  for await (const line of lines) if (!(await verifier.push(line))) break;
  return verifier.finish();
}

/** Push-style verifier: feed lines with push() (false = stop, it failed), then finish(). */
export class ExportVerifier {
  readonly warnings: string[] = [];
  private lineNo = 0;
  private header: ExportHeaderLine | null = null;
  private logKey = "";
  private readonly keys = new Map<string, Uint8Array>();
  private tree: StreamingTree | null = null;
  private frontier: ReturnType<typeof parseFrontier> | null = null;
  private entries = 0;
  private prevHash = "";
  private checkpointNote: string | null = null;
  private consistency: { from: unknown; to: unknown; proof: unknown } | null = null;
  private readonly signatures = new SignatureQueue();
  private failure: VerifyFailure | null = null;
  private summary: VerifyExportSummary | null = null;

  constructor(private readonly options: VerifyExportOptions) {}

  async push(text: string): Promise<boolean> {
    if (this.failure) return false;
    this.lineNo++;
    if (text.length === 0) return true;
    try {
      await this.line(parseLine(text, this.lineNo));
      return true;
    } catch (error) {
      if (!(error instanceof VerifyFailure)) throw error;
      await this.fail(error);
      return false;
    }
  }

  async finish(): Promise<VerifyExportResult> {
    if (!this.failure) {
      try {
        await this.end();
      } catch (error) {
        if (!(error instanceof VerifyFailure)) throw error;
        await this.fail(error);
      }
    }
    const f = this.failure;
    if (f) return { ok: false, code: f.code, message: f.message, ...(f.seq === undefined ? {} : { seq: f.seq }), line: this.lineNo, warnings: this.warnings };
    return { ok: true, warnings: this.warnings, ...this.summary! };
  }

  /** An earlier entry's signature may still be in flight: it is the first failure if it fails. */
  private async fail(error: VerifyFailure): Promise<void> {
    const seq = await this.signatures.drain();
    this.failure = seq !== null && (error.seq === undefined || seq < error.seq) ? signatureFailure(seq) : error;
  }

  private async line(o: Record<string, unknown> & { kind: string }): Promise<void> {
    if (!this.header) return this.start(parseHeader(o));
    const h = this.header;
    const kind = JSON.stringify(o.kind.slice(0, 40)); // untrusted: quoted and bounded in messages
    if (this.checkpointNote !== null) {
      if (o.kind !== "consistency" || this.consistency) throw new VerifyFailure("malformed", `line ${this.lineNo}: unexpected ${kind} line after the checkpoint`);
      this.consistency = { from: o.from, to: o.to, proof: o.proof };
      return;
    }
    if (o.kind === "entry") return this.entry(parseEntry(o, h.from + this.entries));
    if (o.kind === "checkpoint") {
      if (typeof o.note !== "string") throw new VerifyFailure("checkpoint_invalid", "the checkpoint line has no note");
      this.checkpointNote = o.note;
      return;
    }
    if (this.tree) throw new VerifyFailure("malformed", `line ${this.lineNo}: ${kind} line among the entries`);
    if (o.kind === "key") {
      const key = parseKeyLine(o);
      this.keys.set(key.keyId, key.publicKey);
    } else if (o.kind === "frontier" && h.from > 0 && !this.frontier) {
      this.frontier = parseFrontier(o, h.from);
    } else {
      throw new VerifyFailure("malformed", `line ${this.lineNo}: unexpected ${kind} line`);
    }
  }

  private start(header: ExportHeaderLine): void {
    this.header = header;
    const pinned = this.options.logKey?.trim();
    const key = parseVkey(pinned || header.logKey);
    if (!key.ok) throw new VerifyFailure("checkpoint_invalid", `${pinned ? "--log-key" : "the export's log key"} is not a valid verifier key (${key.message})`);
    this.logKey = pinned || header.logKey;
    if (!pinned) this.warnings.push(UNPINNED_LOG_KEY_WARNING);
    else if (header.logKey !== pinned) this.warnings.push("The export names a different log key than --log-key; only --log-key is trusted.");
  }

  private async entry(e: HashedAuditEntry): Promise<void> {
    const h = this.header!;
    if (!this.tree) this.tree = this.openTree(h);
    const expected = h.from + this.entries;
    if (e.seq !== expected) throw seqFailure(e.seq, expected, h.from, this.entries === 0);
    if (this.entries > 0 || h.from === 0) {
      const prev = this.entries > 0 ? this.prevHash : GENESIS_PREV_HASH;
      if (e.prevHash !== prev) {
        throw new VerifyFailure("link_mismatch", e.seq === 0 ? "entry 0: its prevHash is not the genesis value (64 zeros)" :
          `entry ${e.seq}: does not link to entry ${e.seq - 1} (prevHash mismatch): an entry was removed, inserted or reordered`, e.seq);
      }
    } else this.linkToFrontier(e);
    let hash: string;
    try {
      hash = entryHash(entryDocument(e));
    } catch {
      throw new VerifyFailure("malformed", `entry ${e.seq}: cannot be canonicalized (not plain JSON): the entry was modified`, e.seq);
    }
    if (hash !== e.entryHash) throw new VerifyFailure("hash_mismatch", `entry ${e.seq}: hash mismatch: the entry was modified`, e.seq);
    if (e.type === MACHINE_REQUEST) await this.machineSignature(e);
    if (SIGNED_DECISION_EVENTS.includes(e.type)) await this.approvalSignature(e);
    this.tree.push(entryLeafHash(hash));
    this.prevHash = hash;
    this.entries++;
    if (this.entries % 1024 === 0) this.options.onProgress?.(this.entries);
  }

  private openTree(h: ExportHeaderLine): StreamingTree {
    if (h.from === 0) return new StreamingTree();
    if (!this.frontier) throw new VerifyFailure("frontier_invalid", `the export starts at entry ${h.from} but has no frontier line: the tree cannot be continued`);
    return new StreamingTree(this.frontier.state);
  }

  /** The first entry of a partial export: its prevHash must be leaf from-1 of the frontier's tree. */
  private linkToFrontier(e: HashedAuditEntry): void {
    const { state, lastLeafProof } = this.frontier!;
    if (!verifyInclusion(entryLeafHash(e.prevHash), state.size - 1, state.size, lastLeafProof, rootOf(state))) {
      throw new VerifyFailure("link_mismatch", `entry ${e.seq}: does not link to entry ${e.seq - 1} in the log's tree (prevHash mismatch)`, e.seq);
    }
  }

  private async machineSignature(e: HashedAuditEntry): Promise<void> {
    const parsed = parseMachineSignature(e.evidence);
    if (!parsed.ok) throw new VerifyFailure("signature_invalid", `entry ${e.seq}: machine signature evidence is unusable (${parsed.reason})`, e.seq);
    if (e.actor.type !== "machine" || e.actor.id !== parsed.keyId) {
      throw new VerifyFailure("actor_mismatch", `entry ${e.seq}: the entry's actor is not the machine whose key signed the request`, e.seq);
    }
    const key = this.keys.get(parsed.keyId);
    if (!key) throw new VerifyFailure("key_missing", `entry ${e.seq}: no key for machine ${parsed.keyId} in the export: its signature cannot be checked`, e.seq);
    const bad = await this.signatures.add(e.seq, this.options.backend.verify(key, parsed.message, parsed.signature));
    if (bad !== null) throw signatureFailure(bad);
  }

  /** An operator's decision: the passkey assertion in its evidence, re-verified (verify-signatures.ts). */
  private async approvalSignature(e: HashedAuditEntry): Promise<void> {
    const failure = await approvalEntryFailure(e);
    if (failure) throw new VerifyFailure("signature_invalid", `entry ${e.seq}: approval signature invalid: ${failure}`, e.seq);
  }

  /** After the last line: range complete, signatures settled, checkpoint signed, root matches. */
  private async end(): Promise<void> {
    const h = this.header;
    if (!h) throw new VerifyFailure("malformed", "the file is empty: not an audit export");
    const to = h.from + this.entries - 1;
    if (to !== h.to) {
      throw new VerifyFailure("range_mismatch", `the export ends after entry ${to}, but its header promises entries up to ${h.to}: entries were removed from the end or the file is truncated`);
    }
    const bad = await this.signatures.drain();
    if (bad !== null) throw signatureFailure(bad);
    if (this.checkpointNote === null) throw new VerifyFailure("checkpoint_missing", "the export has no checkpoint line: the file is truncated");
    const tree = this.tree ?? this.openTree(h);
    const checked = await verifyCheckpoint(this.checkpointNote, [this.logKey], this.options.backend);
    if (!checked.ok) throw new VerifyFailure("checkpoint_invalid", `the checkpoint is not validly signed by the log key (${checked.message})`);
    const cp = checked.checkpoint;
    if (cp.origin !== h.origin) throw new VerifyFailure("checkpoint_invalid", `the checkpoint is for log ${JSON.stringify(cp.origin)}, but the export says ${JSON.stringify(h.origin)}`);
    const size = to + 1;
    if (cp.size < size) throw new VerifyFailure("root_mismatch", `the signed checkpoint covers ${cp.size} entries, but the export holds entries up to ${to}: entries after ${cp.size - 1} are not in the signed log`);
    if (cp.size === size && !constantTimeEqual(tree.root(), cp.rootHash)) {
      throw new VerifyFailure("root_mismatch", `root at size ${size} does not match the signed checkpoint: entries were removed or changed`);
    }
    if (cp.size > size) this.checkConsistency(size, cp.size, tree.root(), cp.rootHash);
    this.summary = {
      origin: cp.origin, from: h.from, to, entries: this.entries, machineSignatures: this.signatures.count,
      checkpointSize: cp.size, rootHash: base64Encode(cp.rootHash), logKeyPinned: !!this.options.logKey?.trim(),
    };
  }

  private checkConsistency(m: number, n: number, rootM: Uint8Array, rootN: Uint8Array): void {
    const c = this.consistency;
    if (!c || c.from !== m || c.to !== n) {
      throw new VerifyFailure("consistency_invalid", `the export ends at entry ${m - 1} but the signed checkpoint covers ${n} entries, and no consistency proof links them: entries after ${m - 1} were removed`);
    }
    const proof = decodeHashes(c.proof, "the consistency proof", "consistency_invalid");
    if (!verifyConsistency(m, n, proof, rootM, rootN)) {
      throw new VerifyFailure("root_mismatch", `root at size ${m} is not consistent with the signed checkpoint at size ${n}: entries were removed or changed`);
    }
  }
}
