/**
 * The SQL of a search: which index walks the entries newest first (the "driver"), and the
 * other filters as per-entry probes. Choosing the driver by hand keeps every plan a walk down
 * one index that stops after a page, instead of whatever the planner guesses:
 *
 *   full text                  FTS5 in rowid order, or PostgreSQL's GIN index (fulltext.ts)
 *   machine, operator, action  AuditSearchTerm's primary key (field, value, seq)
 *   one event type             AuditEntry's (type, seq) index
 *   decision, outcome          AuditSearchTerm again
 *   nothing                    AuditEntry's primary key
 *
 * A page costs the index entries walked until it is full: fast when the driver is selective
 * or the probes match often; a rare probe under a common driver walks further (bench/audit-search.ts).
 *
 * Both databases get the same SQL, spelled in their dialect (`kind`, from databaseKind): the
 * SQLite-only hints below (CROSS JOIN, unary +) become plain SQL on PostgreSQL, which has
 * neither and whose planner picks the join order from its statistics.
 */
import type { DatabaseKind } from "../../db/client";
import { Prisma } from "../../db/generated/client";
import { fullTextSource } from "./fulltext";
import type { AuditSearchFilters } from "./query";

type TermField = "machine" | "operator" | "action" | "decision" | "outcome";
const SELECTIVE_TERMS: TermField[] = ["machine", "operator", "action"];
const BROAD_TERMS: TermField[] = ["decision", "outcome"];

interface Driver {
  from: Prisma.Sql;
  where: Prisma.Sql[];
  /** The expression holding the entry's seq, in the driver's index order. */
  seq: Prisma.Sql;
}

const termSource = (field: TermField, value: string): Driver => ({
  from: Prisma.sql`"AuditSearchTerm" d`,
  where: [Prisma.sql`d."field" = ${field}`, Prisma.sql`d."value" = ${value}`],
  seq: Prisma.raw(`d."seq"`),
});

const termProbe = (field: TermField, value: string): Prisma.Sql =>
  Prisma.sql`EXISTS (SELECT 1 FROM "AuditSearchTerm" t WHERE t."field" = ${field} AND t."value" = ${value} AND t."seq" = e."seq")`;

const entrySource = (where: Prisma.Sql[] = []): Driver => ({ from: Prisma.sql`"AuditEntry" d`, where, seq: Prisma.raw(`d."seq"`) });

/**
 * Joins `table` (as `alias`) to the rows on its left by an index lookup per left row, the left
 * side staying the outer loop, so a walk down the left side's index stops after a page (or a
 * sample) instead of joining whole tables. SQLite: CROSS JOIN, which its planner never
 * reorders. PostgreSQL: a LATERAL subquery behind OFFSET 0, which its planner can neither pull
 * up into a plain join nor turn into a hash join over the whole table. Used where PostgreSQL's
 * estimates mislead it: the facets' materialized sample (a hash join over every entry made
 * them grow with the log: 50 ms instead of 14 at 50,000 entries). A page query's LIMIT already
 * gives it the walk, and it keeps its other plans for rare filters, so there it gets a plain
 * JOIN (pageJoin).
 */
export function lookupJoin(kind: DatabaseKind, table: string, alias: string, on: Prisma.Sql): Prisma.Sql {
  const source = Prisma.raw(`"${table}" ${alias}`);
  return kind === "sqlite"
    ? Prisma.sql`CROSS JOIN ${source} ON ${on}`
    : Prisma.sql`CROSS JOIN LATERAL (SELECT * FROM ${source} WHERE ${on} OFFSET 0) ${Prisma.raw(alias)}`;
}

/** A page's join of the entries to its driver: SQLite's CROSS JOIN, PostgreSQL's planner's own choice. */
function pageJoin(kind: DatabaseKind, on: Prisma.Sql): Prisma.Sql {
  return kind === "sqlite" ? lookupJoin(kind, "AuditEntry", "e", on) : Prisma.sql`JOIN "AuditEntry" e ON ${on}`;
}

/** Which index walks the entries (always aliased d), and the filters left to probe per entry (on e). */
function planOf(kind: DatabaseKind, filters: AuditSearchFilters): { driver: Driver; probes: Prisma.Sql[] } {
  const terms = (fields: TermField[]) => fields.filter((f) => filters[f] !== undefined).map((f) => [f, filters[f] as string] as const);
  const selective = terms(SELECTIVE_TERMS);
  const broad = terms(BROAD_TERMS);
  const types = filters.type;

  let driver: Driver;
  let typeDriven = false;
  const probes: Prisma.Sql[] = [];
  if (filters.q) {
    const text = fullTextSource(kind, filters.q);
    driver = { from: text.from, where: [text.where], seq: text.seq };
  } else if (selective.length > 0) {
    driver = termSource(...selective.shift()!);
  } else if (types.length === 1) {
    driver = entrySource([Prisma.sql`d."type" = ${types[0]}`]); // the (type, seq) index
    typeDriven = true;
  } else if (broad.length > 0) {
    driver = termSource(...broad.shift()!);
  } else {
    driver = entrySource();
  }
  for (const [field, value] of [...selective, ...broad]) probes.push(termProbe(field, value));
  if (types.length === 1 && !typeDriven) probes.push(Prisma.sql`e."type" = ${types[0]}`);
  // Unary + keeps SQLite off the (type, seq) index for several types: that index would
  // gather every match of each type and sort them, where the seq walk stops after a page.
  // PostgreSQL has no unary + for text.
  const type = Prisma.raw(kind === "sqlite" ? `+e."type"` : `e."type"`);
  if (types.length > 1) probes.push(Prisma.sql`${type} IN (${Prisma.join(types)})`);
  // Time is a probe, not a bound on seq: entries are stamped by the instance that appended
  // them, so time is almost but not exactly in seq order, and a search must not miss one.
  if (filters.from) probes.push(Prisma.sql`e."time" >= ${filters.from}`);
  if (filters.to) probes.push(Prisma.sql`e."time" < ${filters.to}`);
  return { driver, probes };
}

const and = (conditions: Prisma.Sql[]) => (conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty);

/**
 * The matching entries as `SELECT <columns> FROM … ORDER BY seq DESC LIMIT n` (newest first,
 * optionally below a keyset cursor: older entries), or ascending above a cursor (exports).
 */
export function matchingEntriesSql(
  kind: DatabaseKind,
  filters: AuditSearchFilters,
  columns: Prisma.Sql,
  options: { limit: number; below?: number; ascending?: { above?: number } },
): Prisma.Sql {
  const { driver, probes } = planOf(kind, filters);
  const where = [...driver.where, ...probes];
  if (options.below !== undefined) where.push(Prisma.sql`${driver.seq} < ${options.below}`);
  if (options.ascending?.above !== undefined) where.push(Prisma.sql`${driver.seq} > ${options.ascending.above}`);
  // The driver stays the outer loop (SQLite), so its order serves ORDER BY.
  return Prisma.sql`SELECT ${columns} FROM ${driver.from} ${pageJoin(kind, Prisma.sql`e."seq" = ${driver.seq}`)} ${and(where)}
    ORDER BY ${driver.seq} ${Prisma.raw(options.ascending ? "ASC" : "DESC")} LIMIT ${options.limit}`;
}

/**
 * For facet counts, a sample whose cost is bounded however rarely the filters match: `walked`
 * selects the seqs of the newest `walk` entries the driving index yields, and `probes` is the
 * WHERE clause (on e, joined to them) that the matches among those satisfy.
 */
export function sampleSql(kind: DatabaseKind, filters: AuditSearchFilters, walk: number): { walked: Prisma.Sql; probes: Prisma.Sql } {
  const { driver, probes } = planOf(kind, filters);
  return {
    walked: Prisma.sql`SELECT ${driver.seq} AS "seq" FROM ${driver.from} ${and(driver.where)} ORDER BY ${driver.seq} DESC LIMIT ${walk}`,
    probes: and(probes),
  };
}
