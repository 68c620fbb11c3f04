/**
 * Streaming JSONL export of the audit log (format: export-format.ts, docs/audit.md).
 * Entries are read in seq batches, so memory stays flat however long the log is. Exporting
 * reads the log; the one thing it writes is a checkpoint when the head has none yet, which
 * is a statement about entries, not an entry (no audit event is recorded).
 */
import type { AuditEntry } from "../db/generated/client";
import type { Db } from "../db/client";
import { base64Encode } from "../protocol/encoding";
import { parsePublicKey } from "../protocol/key-parse";
import { createCheckpoint } from "./checkpoint-store";
import { consistencyProofFor, frontierFor, inclusionProofFor } from "./db-proofs";
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportKeyLine, type ExportLine } from "./export-format";
import type { HashedAuditEntry } from "./entry";
import type { LogIdentity } from "./log-identity";
import { entryFromRow } from "./rows";

export interface ExportRange {
  /** First and last seq, inclusive; to = from - 1 is an empty range. */
  from: number;
  to: number;
}

export class ExportRangeError extends Error {
  override name = "ExportRangeError";
}

/** Checks a requested range against the log; defaults to everything. Throws ExportRangeError with the fix. */
export async function resolveExportRange(db: Pick<Db, "auditEntry">, from?: number, to?: number): Promise<ExportRange> {
  // The last stored row, not the head: a row appended behind the head's back is exported,
  // and the verifier then finds it outside the signed checkpoint.
  const last = (await db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? -1;
  const start = from ?? 0;
  const end = to ?? last;
  if (!Number.isSafeInteger(start) || start < 0) throw new ExportRangeError(`--from must be a whole number from 0 (got ${start}).`);
  if (start > last + 1) throw new ExportRangeError(`--from ${start} is past the end of the log (${last + 1} entries).`);
  if (!Number.isSafeInteger(end) || end < start - 1) throw new ExportRangeError(`--to must be at least --from (got from ${start}, to ${end}).`);
  if (end > last) throw new ExportRangeError(`--to ${end} is past the last entry (${last < 0 ? "the log is empty" : `seq ${last}`}).`);
  return { from: start, to: end };
}

const line = (value: ExportLine): string => JSON.stringify(value);
const b64 = (hashes: readonly Uint8Array[]): string[] => hashes.map(base64Encode);

/** The export, one JSON line at a time (no trailing newlines). */
export async function* exportAuditLog(
  db: Db,
  identity: LogIdentity,
  range: ExportRange,
  options: { batchSize?: number; now?: Date } = {},
): AsyncGenerator<string> {
  const { from, to } = range;
  const batchSize = options.batchSize ?? 1000;
  yield line({
    kind: "header",
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    origin: identity.origin,
    logKey: identity.vkey,
    from,
    to,
    exportedAt: (options.now ?? new Date()).toISOString(),
  });
  for (const key of await machineKeys(db, from, to)) yield line(key);

  if (from > 0) {
    // Omitted when the database cannot produce it (missing rows): the verifier then reports
    // the missing frontier instead of the exporter crashing on a damaged log.
    const frontier = await frontierFor(db, from).catch(() => null);
    const proof = frontier && (await inclusionProofFor(db, from - 1, from).catch(() => null));
    if (frontier && proof) yield line({ kind: "frontier", size: from, hashes: b64(frontier.hashes), lastLeafProof: b64(proof) });
  }

  for (let cursor = from; cursor <= to; ) {
    const rows = await db.auditEntry.findMany({ where: { seq: { gte: cursor, lte: to } }, orderBy: { seq: "asc" }, take: batchSize });
    if (rows.length === 0) break;
    for (const row of rows) yield line({ kind: "entry", ...entryFromStoredRow(row) });
    cursor = rows[rows.length - 1]!.seq + 1;
  }

  const checkpoint = await createCheckpoint(db, identity);
  yield line({ kind: "checkpoint", note: checkpoint.note });
  if (to + 1 < checkpoint.size) {
    const proof = await consistencyProofFor(db, to + 1, checkpoint.size).catch(() => null);
    if (proof) yield line({ kind: "consistency", from: to + 1, to: checkpoint.size, proof: b64(proof) });
  }
}

/**
 * entryFromRow, except that a row whose JSON columns no longer parse (edited in the
 * database) is exported with the raw text, so the verifier names it rather than the export failing.
 */
function entryFromStoredRow(row: AuditEntry): HashedAuditEntry {
  try {
    return entryFromRow(row);
  } catch {
    const damaged = { ...entryFromRow({ ...row, subjects: "{}", evidence: "{}" }), subjects: row.subjects, evidence: row.evidence };
    return damaged as unknown as HashedAuditEntry; // deliberately not the entry format: it cannot hash right
  }
}

/**
 * Keys of the machines that acted in the range. One indexed query: for each machine,
 * EXISTS probes AuditEntry's (actorId, seq) index, so the cost does not grow with the range.
 */
async function machineKeys(db: Db, from: number, to: number): Promise<ExportKeyLine[]> {
  const rows = await db.$queryRaw<{ keyId: string; publicJwk: string; status: string }[]>`
    SELECT m."keyId", m."publicJwk", m."status" FROM "Machine" m
    WHERE EXISTS (SELECT 1 FROM "AuditEntry" e
      WHERE e."actorId" = m."keyId" AND e."actorType" = 'machine' AND e."seq" >= ${from} AND e."seq" <= ${to})
    ORDER BY m."keyId"`;
  const keys: ExportKeyLine[] = [];
  for (const row of rows) {
    const parsed = parsePublicKey(row.publicJwk);
    // A stored key that no longer parses is left out: its entries then fail as "no key".
    if (parsed.ok) keys.push({ kind: "key", keyId: row.keyId, publicJwk: parsed.key.jwk, status: row.status });
  }
  return keys;
}
