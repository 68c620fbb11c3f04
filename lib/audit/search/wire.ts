/**
 * The audit search API's wire format (GET /api/audit/entries), shared by the route, the
 * Console's search page and pages that link into a search (docs/audit.md, "Searching the trail").
 *
 * A search lives in the URL: `/audit?<params>` shows it and `/api/audit/entries?<params>`
 * answers it, with the same parameter names (SEARCH_PARAMS). Each result row links to its
 * entry at `/audit/{seq}`.
 */

/** URL parameter names of a search. `type` may repeat; every other one appears at most once. */
export const SEARCH_PARAMS = {
  /** Full text over summary, type, actor id, subjects and evidence (signature blobs excluded). */
  q: "q",
  /** ISO 8601 times; from is inclusive, to is exclusive. */
  from: "from",
  to: "to",
  /** Event type, e.g. `intent.submitted`; repeat for several (any of them). */
  type: "type",
  /** Machine id (the entry's subjects.machine, or the acting machine). */
  machine: "machine",
  /** Operator id (the acting operator, or the operator the entry concerns). */
  operator: "operator",
  /** The intent's action, e.g. `payments.transfer`. */
  action: "action",
  decision: "decision",
  outcome: "outcome",
  /** Opaque keyset cursor from a previous page's nextCursor. */
  cursor: "cursor",
  /** Page size, 1 to 100 (default 50). */
  limit: "limit",
} as const;

export const SEARCH_DECISIONS = ["allow", "allow_with_approval", "deny"] as const;
export type SearchDecision = (typeof SEARCH_DECISIONS)[number];

/**
 * What came of it, for the entries that have an outcome: `accepted` (a signed machine request
 * accepted, an intent executed or approved), `refused` (execution refused, an intent rejected,
 * failed authentication), `pending` (an intent waiting for approval), `expired`.
 */
export const SEARCH_OUTCOMES = ["accepted", "refused", "pending", "expired"] as const;
export type SearchOutcome = (typeof SEARCH_OUTCOMES)[number];

export interface AuditSearchRow {
  seq: number;
  /** ISO 8601 UTC. */
  time: string;
  type: string;
  actorType: string;
  actorId: string;
  /** Plain text; machine-supplied parts are data, render as text. */
  summary: string;
  subjects: Record<string, string>;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface AuditSearchFacets {
  type: FacetCount[];
  decision: FacetCount[];
  outcome: FacetCount[];
}

export interface AuditSearchResponse {
  /** Newest first. */
  entries: AuditSearchRow[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
  /** Counts under the current filters (not the cursor), among the newest facetScanLimit entries the search examines. */
  facets: AuditSearchFacets;
  /** True when more entries than facetScanLimit were candidates: the counts are then lower bounds. */
  capped: boolean;
  /** The cap applied when capped. */
  facetScanLimit: number;
}

/** The Console URL of an entry's page. */
export const auditEntryHref = (seq: number): string => `/audit/${seq}`;

/** The Console URL of a search, from parameters (as produced by URLSearchParams). */
export const auditSearchHref = (params: URLSearchParams | Record<string, string | string[]>): string => {
  const search = params instanceof URLSearchParams ? params : toSearchParams(params);
  const text = search.toString();
  return text ? `/audit?${text}` : "/audit";
};

function toSearchParams(params: Record<string, string | string[]>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  return search;
}
