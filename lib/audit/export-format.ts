/**
 * The JSONL audit export, version 1 (docs/audit.md): one JSON object per line, in this order:
 *
 *   header                 what was exported, from which log, with which log key
 *   key*                   public keys of the machines whose signatures the entries hold
 *   frontier?              the tree before the first exported entry (when from > 0)
 *   entry*                 entries from..to, in seq order
 *   checkpoint             a checkpoint signed by the log key, size N >= to + 1
 *   consistency?           proof that the tree of size to + 1 is a prefix of the checkpoint's
 *
 * Shared by the exporter (server) and the portable verifier, so both agree on every field.
 */
import type { PublicJwk } from "../protocol/keys";
import type { HashedAuditEntry } from "./entry";

export const EXPORT_FORMAT = "pteri-audit-export";
export const EXPORT_VERSION = 1;

export interface ExportHeaderLine {
  kind: "header";
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The log's checkpoint origin. */
  origin: string;
  /** The log's note verifier key, as the server claims it: pin it with --log-key. */
  logKey: string;
  /** First and last seq exported, inclusive; to = from - 1 for an empty range. */
  from: number;
  to: number;
  exportedAt: string;
}

export interface ExportKeyLine {
  kind: "key";
  /** Must equal the RFC 7638 thumbprint of publicJwk (the verifier checks). */
  keyId: string;
  publicJwk: PublicJwk;
  /** The machine's status at export time (a revoked key's old signatures stay valid evidence). */
  status: string;
}

export interface ExportFrontierLine {
  kind: "frontier";
  /** = header.from: the number of leaves before the first exported entry. */
  size: number;
  /** Perfect-subtree roots of that tree, largest first, base64. */
  hashes: string[];
  /** Inclusion proof of leaf size - 1 in that tree: ties the first entry's prevHash to it. */
  lastLeafProof: string[];
}

export type ExportEntryLine = { kind: "entry" } & HashedAuditEntry;

export interface ExportCheckpointLine {
  kind: "checkpoint";
  /** C2SP signed note holding a tlog-checkpoint. */
  note: string;
}

export interface ExportConsistencyLine {
  kind: "consistency";
  /** = header.to + 1 */
  from: number;
  /** = the checkpoint's size */
  to: number;
  proof: string[];
}

export type ExportLine =
  | ExportHeaderLine
  | ExportKeyLine
  | ExportFrontierLine
  | ExportEntryLine
  | ExportCheckpointLine
  | ExportConsistencyLine;
