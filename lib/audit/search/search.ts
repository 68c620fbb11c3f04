/**
 * Searching the audit trail (docs/audit.md, "Searching the trail"): one page of matching
 * entries, newest first, with a keyset cursor, and facet counts over the newest matches.
 * Keyset on seq: appends only add larger seqs, so paging down never skips or repeats an
 * entry however many are appended meanwhile.
 */
import { databaseKind, type DatabaseKind, type Db } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import type { AuditSearchFilters, AuditSearchQuery } from "./query";
import { lookupJoin, matchingEntriesSql, sampleSql } from "./sql";
import { SEARCH_DECISIONS, SEARCH_OUTCOMES, type AuditSearchFacets, type AuditSearchResponse, type AuditSearchRow, type FacetCount } from "./wire";

/** Facets look at most this many entries (the newest the search's index yields). */
export const FACET_SCAN_LIMIT = 2000;

/** An entry as the search reads it (the listing's columns). */
export interface Row {
  seq: number | bigint;
  time: string | Date;
  type: string;
  actorType: string;
  actorId: string;
  summary: string;
  subjects: string;
}

const ROW_COLUMNS = Prisma.raw(`e."seq", e."time", e."type", e."actorType", e."actorId", e."summary", e."subjects"`);

export async function searchAuditEntries(db: Db, query: AuditSearchQuery): Promise<AuditSearchResponse> {
  const { cursor, limit, ...filters } = query;
  const rows = await db.$queryRaw<Row[]>(matchingEntriesSql(databaseKind(db), filters, ROW_COLUMNS, { below: cursor, limit: limit + 1 }));
  const page = rows.slice(0, limit).map(rowOf);
  const { facets, capped } = await facetCounts(db, filters);
  return {
    entries: page,
    nextCursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null,
    facets,
    capped,
    facetScanLimit: FACET_SCAN_LIMIT,
  };
}

/** The facet counts' SQL: rows (facet, value, n), plus ('walked', '', how many entries the sample holds). */
export function facetCountsSql(kind: DatabaseKind, filters: AuditSearchFilters): Prisma.Sql {
  const sample = sampleSql(kind, filters, FACET_SCAN_LIMIT);
  // The sampled rows stay the outer loop (lookupJoin), so the entries and the term table are
  // probed by their indexes rather than scanned.
  const entry = lookupJoin(kind, "AuditEntry", "e", Prisma.sql`e."seq" = w."seq"`);
  const terms = lookupJoin(kind, "AuditSearchTerm", "t", Prisma.sql`t."seq" = m."seq" AND t."field" IN ('decision', 'outcome')`);
  return Prisma.sql`
    WITH w AS MATERIALIZED (${sample.walked}),
    m AS MATERIALIZED (SELECT e."seq" AS "seq", e."type" AS "type" FROM w ${entry} ${sample.probes})
    SELECT 'walked' AS "facet", '' AS "value", COUNT(*) AS "n" FROM w
    UNION ALL SELECT 'type', m."type", COUNT(*) FROM m GROUP BY m."type"
    UNION ALL SELECT t."field", t."value", COUNT(*) FROM m ${terms} GROUP BY t."field", t."value"`;
}

/**
 * Counts by type, decision and outcome among the newest FACET_SCAN_LIMIT entries the search's
 * driving index walks (sql.ts): bounded work whatever the filters. When the index holds more,
 * `capped` says so and the counts are a lower bound.
 */
export async function facetCounts(db: Db, filters: AuditSearchFilters): Promise<{ facets: AuditSearchFacets; capped: boolean }> {
  // Counts are bigint on PostgreSQL: Number() below.
  const counted = await db.$queryRaw<{ facet: string; value: string; n: number | bigint }[]>(facetCountsSql(databaseKind(db), filters));
  const of = (facet: string, known?: readonly string[]): FacetCount[] =>
    counted
      .filter((r) => r.facet === facet && (!known || known.includes(r.value)))
      .map((r) => ({ value: r.value, count: Number(r.n) }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const walked = Number(counted.find((r) => r.facet === "walked")?.n ?? 0);
  return {
    facets: { type: of("type"), decision: of("decision", SEARCH_DECISIONS), outcome: of("outcome", SEARCH_OUTCOMES) },
    capped: walked >= FACET_SCAN_LIMIT,
  };
}

function rowOf(row: Row): AuditSearchRow {
  return {
    seq: Number(row.seq),
    time: new Date(row.time).toISOString(),
    type: row.type,
    actorType: row.actorType,
    actorId: row.actorId,
    summary: row.summary,
    subjects: parseSubjects(row.subjects),
  };
}

/** Subjects as stored; a row edited into invalid JSON shows none rather than failing the page. */
function parseSubjects(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== "object" || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return {};
  }
}
