/**
 * A search of the audit trail as it travels in a URL (wire.ts SEARCH_PARAMS), parsed and
 * validated. Unknown parameters are ignored, so a shared link keeps working when the page
 * adds its own; a known parameter with a bad value is a 400 that names it.
 */
import { z } from "zod";
import { QueryError } from "../../http/query-error";
import { SEARCH_DECISIONS, SEARCH_OUTCOMES, SEARCH_PARAMS } from "./wire";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
const MAX_TYPES = 20;

const isoTime = z
  .string()
  .trim()
  .refine((text) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text)), {
    message: "must be an ISO 8601 date or time, e.g. 2026-12-04 or 2026-12-04T12:00:00Z",
  })
  .transform((text) => new Date(text));

const id = z.string().trim().min(1).max(200);

const searchSchema = z
  .object({
    // Words are what full text searches for; text of punctuation alone could only match nothing.
    q: z.string().trim().max(200, "at most 200 characters").regex(/[\p{L}\p{N}]/u, "the search text has no letters or digits to search for").optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    type: z.array(z.string().trim().regex(/^[a-z0-9_.-]{1,64}$/, "an event type such as intent.submitted")).max(MAX_TYPES, `at most ${MAX_TYPES} types`),
    machine: id.optional(),
    operator: id.optional(),
    action: id.optional(),
    decision: z.enum(SEARCH_DECISIONS).optional(),
    outcome: z.enum(SEARCH_OUTCOMES).optional(),
    cursor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  })
  .refine((s) => !s.from || !s.to || s.from < s.to, { message: "must be later than from", path: ["to"] });

export type AuditSearchQuery = z.output<typeof searchSchema>;

/** The filters that narrow which entries match (everything but paging). */
export type AuditSearchFilters = Omit<AuditSearchQuery, "cursor" | "limit">;

export function parseAuditSearch(params: URLSearchParams): AuditSearchQuery {
  const single = (name: string) => {
    const value = params.get(name);
    return value === null || value.trim() === "" ? undefined : value;
  };
  const raw = {
    q: single(SEARCH_PARAMS.q),
    from: single(SEARCH_PARAMS.from),
    to: single(SEARCH_PARAMS.to),
    type: [...new Set(params.getAll(SEARCH_PARAMS.type).filter((t) => t.trim() !== ""))],
    machine: single(SEARCH_PARAMS.machine),
    operator: single(SEARCH_PARAMS.operator),
    action: single(SEARCH_PARAMS.action),
    decision: single(SEARCH_PARAMS.decision),
    outcome: single(SEARCH_PARAMS.outcome),
    cursor: single(SEARCH_PARAMS.cursor),
    limit: single(SEARCH_PARAMS.limit),
  };
  const parsed = searchSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QueryError(`${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid value"}`);
  }
  return parsed.data;
}

/** The filters of a search, without its paging. */
export function filtersOf(query: AuditSearchQuery): AuditSearchFilters {
  const filters: AuditSearchFilters & Partial<Pick<AuditSearchQuery, "cursor" | "limit">> = { ...query };
  delete filters.cursor;
  delete filters.limit;
  return filters;
}
