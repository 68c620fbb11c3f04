/**
 * GET /api/audit/entries/{seq}: one entry, its chain of custody, and everything a browser
 * needs to re-verify them without trusting the server (docs/audit.md, "Chain of custody and
 * verifying in the browser"). Entries travel in the export line format (export-format.ts), so
 * the browser re-hashes them with the same portable code `pteri audit verify` runs.
 */
import type { AuditActorType } from "../entry";
import type { ExportEntryLine } from "../export-format";

export type CustodyStepKind =
  | "policy"
  | "request"
  | "intent"
  | "approval"
  | "decision"
  | "expiry"
  | "verify_request"
  | "execution"
  | "refusal"
  | "entry";

export interface CustodyRef {
  id: string;
  /** Null when the record no longer exists (or never did): the id is shown alone. */
  name: string | null;
}

export interface CustodyPolicyRef {
  id: string;
  name: string | null;
  version: number;
  /** The rule that decided, when this step names one. */
  ruleId: string | null;
}

export interface CustodyStep {
  kind: CustodyStepKind;
  seq: number;
  time: string;
  type: string;
  /** A short heading for people, e.g. "Intent submitted: allowed". */
  title: string;
  summary: string;
  actor: { type: AuditActorType; id: string; machine: CustodyRef | null; operator: CustodyRef | null };
  /** The machine the step concerns (the intent's owner, the signer). */
  machine: CustodyRef | null;
  policies: CustodyPolicyRef[];
  /** An approver's or a refusal's reason. */
  reason: string | null;
}

/** One entry as stored, and what ties it to the log. */
export interface CustodyEntry {
  line: ExportEntryLine;
  /** entryHash of entry seq - 1 as stored; null for entry 0. */
  previousEntryHash: string | null;
  /** prevHash of entry seq + 1 as stored; null when it is the last entry. */
  nextPrevHash: string | null;
  /** RFC 9162 inclusion proof (base64) of leaf seq in the checkpoint's tree. */
  inclusionProof: string[];
}

export interface AuditEntryDetail {
  seq: number;
  /** The intent the chain is about, when there is one. */
  intentId: string | null;
  timeline: CustodyStep[];
  /** Every entry of the chain (the requested one included), by seq. */
  entries: CustodyEntry[];
  /** The latest signed checkpoint (C2SP signed note); it covers every entry above. */
  checkpoint: { note: string; size: number };
}
