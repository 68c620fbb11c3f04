/**
 * Full-text search: the one place that knows the index, for both databases (the AuditEntryText
 * table of the audit_search migrations): an FTS5 table on SQLite, a tsvector column with a GIN
 * index on PostgreSQL.
 *
 * User text is never passed to either as query syntax. On SQLite each word becomes a quoted
 * phrase (quotes doubled), so `"`, `NEAR(`, `OR`, `*` and `-` are searched as text, not obeyed.
 * On PostgreSQL the tsquery is built here from the words' letters and digits alone, so `&`,
 * `|`, `!`, `<->`, `:*`, quotes and backslashes never reach it. One feature is kept on purpose:
 * a word ending in `*` is a prefix search (`pay*`).
 */
import type { DatabaseKind } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import { QueryError } from "../../http/query-error";

const WORD = /[\p{L}\p{N}]/u;
const NOTHING_TO_SEARCH = "q: the search text has no letters or digits to search for.";

/** The FTS5 query for what a person typed: every word must occur (AND), as text. */
export function fullTextQuery(text: string): string {
  const terms = text
    .split(/\s+/)
    .filter((word) => WORD.test(word))
    .map((word) => {
      const prefix = word.endsWith("*");
      const phrase = `"${(prefix ? word.replace(/\*+$/, "") : word).replaceAll('"', '""')}"`;
      return prefix && WORD.test(word.replace(/\*+$/, "")) ? `${phrase}*` : phrase;
    });
  if (terms.length === 0) throw new QueryError(NOTHING_TO_SEARCH);
  return terms.join(" AND ");
}

/**
 * A word's parts as the PostgreSQL index holds them (the migration's pteri_audit_search_words):
 * lowercased, split at every character that is not a letter or a decimal digit. Decimal digits
 * only, because that is what ICU (which the index uses) calls a digit: `x²` is indexed as `x`.
 */
const TS_PART = /[\p{L}\p{Nd}]+/gu;

/**
 * The PostgreSQL tsquery for what a person typed: every word must occur (&); a word of several
 * parts (`payments.transfer`, `in_3f`) is a phrase of them (<->), as FTS5 reads it; a trailing
 * `*` makes its last part a prefix (:*). Only letters and digits come from the person.
 */
export function tsQuery(text: string): string {
  const terms = text.split(/\s+/).flatMap((word) => {
    const parts = word.toLowerCase().match(TS_PART);
    if (!parts) return [];
    if (word.endsWith("*")) parts[parts.length - 1] += ":*";
    return [parts.length > 1 ? `(${parts.join(" <-> ")})` : parts[0]!];
  });
  if (terms.length === 0) throw new QueryError(NOTHING_TO_SEARCH);
  return terms.join(" & ");
}

/**
 * The entries matching `text`, as a row source aliased `d` whose `seq` expression is the
 * entry's seq. SQLite: FTS5 walks them newest first itself (rowid order), so a first page reads
 * only its rows. PostgreSQL: the planner picks the GIN index for a rare word (every match, then
 * sorted) or a walk down seq for a common one (the migration's statistics target is why).
 */
export function fullTextSource(kind: DatabaseKind, text: string): { from: Prisma.Sql; where: Prisma.Sql; seq: Prisma.Sql } {
  if (kind === "postgresql") {
    return {
      from: Prisma.sql`"AuditEntryText" d`,
      where: Prisma.sql`d."document" @@ to_tsquery('simple', ${tsQuery(text)})`,
      seq: Prisma.raw(`d."seq"`),
    };
  }
  return {
    from: Prisma.sql`"AuditEntryText" d`,
    where: Prisma.sql`d."AuditEntryText" MATCH ${fullTextQuery(text)}`,
    seq: Prisma.raw("d.rowid"),
  };
}
