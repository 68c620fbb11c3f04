/**
 * Exporting a search (docs/audit.md, "Exporting a search"), streamed: every source below reads
 * keyset batches, so memory stays flat for any number of matches.
 *
 * JSONL is the audit export format `pteri audit verify` reads (lib/audit/export.ts, reused
 * as is): the export of the seq range from the first to the last match, with the entries
 * that do not match left out. Without filters, or when the matches are one contiguous run
 * (a time range, usually), nothing is left out and the file verifies completely. Otherwise
 * the verifier checks everything up to the first gap, then reports entries missing: it
 * cannot tell a filter from a deletion, and that is the point of it.
 */
import { databaseKind, type Db } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import { exportAuditLog, resolveExportRange, type ExportRange } from "../export";
import type { LogIdentity } from "../log-identity";
import { csvRow } from "./csv";
import type { AuditSearchFilters } from "./query";
import { matchingEntriesSql } from "./sql";
import type { Row } from "./search";

const BATCH = 1000;

/** Seqs of the matching entries, ascending from `from`, batch by batch. */
async function* matchingSeqs(db: Db, filters: AuditSearchFilters, from: number): AsyncGenerator<number> {
  for (let above = from - 1; ; ) {
    const rows = await db.$queryRaw<{ seq: number | bigint }[]>(matchingEntriesSql(databaseKind(db), filters, Prisma.raw(`e."seq" AS "seq"`), { limit: BATCH, ascending: { above } }));
    for (const row of rows) yield Number(row.seq);
    if (rows.length < BATCH) return;
    above = Number(rows[rows.length - 1]!.seq);
  }
}

async function matchRange(db: Db, filters: AuditSearchFilters): Promise<ExportRange> {
  const end = async (ascending: boolean) =>
    (await db.$queryRaw<{ seq: number | bigint }[]>(matchingEntriesSql(databaseKind(db), filters, Prisma.raw(`e."seq" AS "seq"`), { limit: 1, ...(ascending ? { ascending: {} } : {}) })))[0];
  const [first, last] = [await end(true), await end(false)];
  if (!first || !last) {
    // Nothing matches: an empty export at the end of the log (it still verifies).
    const all = await resolveExportRange(db);
    return { from: all.to + 1, to: all.to };
  }
  return { from: Number(first.seq), to: Number(last.seq) };
}

const ENTRY_SEQ = /^\{"kind":"entry","v":\d+,"seq":(\d+),/;

/** The search as an audit export file, one JSON line at a time (no newlines). */
export async function* searchExportJsonl(db: Db, identity: LogIdentity, filters: AuditSearchFilters): AsyncGenerator<string> {
  const range = await matchRange(db, filters);
  const matches = matchingSeqs(db, filters, range.from);
  let next = await matches.next();
  for await (const line of exportAuditLog(db, identity, range)) {
    const seq = entrySeq(line);
    if (seq === null) {
      yield line;
      continue;
    }
    while (!next.done && next.value < seq) next = await matches.next();
    if (!next.done && next.value === seq) yield line;
  }
}

function entrySeq(line: string): number | null {
  const quick = ENTRY_SEQ.exec(line);
  if (quick) return Number(quick[1]);
  if (!line.startsWith('{"kind":"entry"')) return null;
  return (JSON.parse(line) as { seq: number }).seq;
}

export const CSV_COLUMNS = ["seq", "time", "type", "actor_type", "actor_id", "summary", "subjects", "entry_hash"] as const;

type CsvRow = Row & { entryHash: string };

/** The search as CSV (RFC 4180, csv.ts), oldest first like the JSONL export, one line at a time. */
export async function* searchExportCsv(db: Db, filters: AuditSearchFilters): AsyncGenerator<string> {
  yield csvRow(CSV_COLUMNS);
  const columns = Prisma.raw(`e."seq", e."time", e."type", e."actorType", e."actorId", e."summary", e."subjects", e."entryHash"`);
  for (let above = -1; ; ) {
    const rows = await db.$queryRaw<CsvRow[]>(matchingEntriesSql(databaseKind(db), filters, columns, { limit: BATCH, ascending: { above } }));
    for (const r of rows) yield csvRow([String(r.seq), new Date(r.time).toISOString(), r.type, r.actorType, r.actorId, r.summary, r.subjects, r.entryHash]);
    if (rows.length < BATCH) return;
    above = Number(rows[rows.length - 1]!.seq);
  }
}

/** Lines as a byte stream, one line per pull: the consumer's pace drives the reads. */
export function lineStream(lines: AsyncGenerator<string>, newline = "\n"): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${next.value}${newline}`));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}
