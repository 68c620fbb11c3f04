/**
 * Full-text search: the one place that knows the index is SQLite FTS5 (the AuditEntryText
 * table of the audit_search migration). A PostgreSQL port replaces this file.
 *
 * User text is never passed to FTS5 as query syntax: each word becomes a quoted phrase
 * (quotes doubled), so `"`, `NEAR(`, `OR`, `*` and `-` are searched as text, not obeyed. One
 * feature is kept on purpose: a word ending in `*` is a prefix search (`pay*`).
 */
import { Prisma } from "../../db/generated/client";
import { QueryError } from "../../http/query-error";

const WORD = /[\p{L}\p{N}]/u;

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
  if (terms.length === 0) throw new QueryError("q: the search text has no letters or digits to search for.");
  return terms.join(" AND ");
}

/**
 * The entries matching `text`, as a row source aliased `d` whose `d.seq` is the entry's seq,
 * walked newest first by FTS5 itself (rowid order), so a first page reads only its rows.
 */
export function fullTextSource(text: string): { from: Prisma.Sql; where: Prisma.Sql; seq: Prisma.Sql } {
  return {
    from: Prisma.sql`"AuditEntryText" d`,
    where: Prisma.sql`d."AuditEntryText" MATCH ${fullTextQuery(text)}`,
    seq: Prisma.raw("d.rowid"),
  };
}
