/**
 * Audit search benchmark (issue 9): server time of a first page (50 entries, with its facet
 * counts, as GET /api/audit/entries computes them) over a log of PTERI_BENCH_AUDIT_ENTRIES
 * entries (default one million) written once by bench/generate-audit.ts and loaded into a
 * fresh database of each kind bench/run.ts measures, through the real migrations, so the
 * search triggers index every entry.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import Database from "better-sqlite3";
import pg from "pg";
import { filtersOf, parseAuditSearch } from "../lib/audit/search/query";
import { matchingEntriesSql } from "../lib/audit/search/sql";
import { Prisma } from "../lib/db/generated/client";
import { facetCounts, searchAuditEntries } from "../lib/audit/search/search";
import { databaseKind, type Db } from "../lib/db/client";
import { generateAuditExport } from "./generate-audit";
import { benchTempDir, withBenchDb, type BenchDatabase, type BenchDataDir } from "./database";
import { onEachDatabase, type BenchResult, type GroupResults } from "./result";

const RUNS = 15;

function entryCount(): number {
  const n = Number(process.env.PTERI_BENCH_AUDIT_ENTRIES ?? "1000000");
  if (!Number.isSafeInteger(n) || n < 1) throw new Error("PTERI_BENCH_AUDIT_ENTRIES must be a positive whole number");
  return n;
}

type Entry = { kind: string; seq: number; time: string; type: string; actor: { type: string; id: string }; summary: string; subjects: Record<string, string>; evidence: unknown; prevHash: string; entryHash: string };

/** Reads the export's entries in batches of 10,000; returns the first entry's machine. */
async function readEntries(file: string, flush: (batch: Entry[]) => unknown): Promise<string> {
  let machineId = "";
  let batch: Entry[] = [];
  for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    const line = JSON.parse(text) as Entry;
    if (line.kind !== "entry") continue;
    machineId ||= line.subjects.machine ?? "";
    batch.push(line);
    if (batch.length === 10_000) {
      await flush(batch);
      batch = [];
    }
  }
  await flush(batch);
  return machineId;
}

/** Loads the entries straight into AuditEntry of a SQLite file (the triggers fill the search tables). */
async function loadSqlite(file: string, databaseFile: string): Promise<string> {
  const sqlite = new Database(databaseFile);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = OFF");
    const insert = sqlite.prepare(
      `INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const flush = sqlite.transaction((batch: Entry[]) => {
      // Stored as Prisma stores DateTime in SQLite: ISO 8601 with +00:00.
      for (const e of batch) insert.run(e.seq, e.time.replace("Z", "+00:00"), e.type, e.actor.type, e.actor.id, e.summary, JSON.stringify(e.subjects), JSON.stringify(e.evidence), e.prevHash, e.entryHash);
    });
    return await readEntries(file, flush);
  } finally {
    sqlite.close();
  }
}

/**
 * The same into PostgreSQL: one INSERT per batch, its columns as arrays (unnest), so a batch
 * is one statement and one commit. Then VACUUM ANALYZE, as autovacuum would soon after a bulk
 * load, so the planner has statistics (not counted in the load time).
 */
async function loadPostgresql(file: string, databaseUrl: string): Promise<{ machineId: string; seconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const machineId = await readEntries(file, (batch) =>
      client.query(
        `INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash")
         SELECT * FROM unnest($1::int[], $2::timestamp(3)[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
        [
          batch.map((e) => e.seq),
          // Prisma stores DateTime as UTC in a timestamp without time zone; the Z is dropped.
          batch.map((e) => e.time.replace("Z", "")),
          batch.map((e) => e.type),
          batch.map((e) => e.actor.type),
          batch.map((e) => e.actor.id),
          batch.map((e) => e.summary),
          batch.map((e) => JSON.stringify(e.subjects)),
          batch.map((e) => JSON.stringify(e.evidence)),
          batch.map((e) => e.prevHash),
          batch.map((e) => e.entryHash),
        ],
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query("VACUUM ANALYZE");
    return { machineId, seconds };
  } finally {
    await client.end();
  }
}

async function load(file: string, dataDir: BenchDataDir): Promise<{ machineId: string; seconds: number }> {
  const { config } = dataDir;
  if (config.database === "postgresql") return loadPostgresql(file, config.databaseUrl);
  const started = performance.now();
  const machineId = await loadSqlite(file, config.sqlitePath!);
  return { machineId, seconds: (performance.now() - started) / 1000 };
}

/** The database's size on disk, search index included. */
async function databaseSize(db: Db, dataDir: BenchDataDir): Promise<BenchResult> {
  const { config } = dataDir;
  if (config.database === "postgresql") {
    // The tables with their indexes and TOAST, as the SQLite file holds them (an empty
    // PostgreSQL database's own catalogs, about 7 MiB, are left out).
    const [row] = await db.$queryRaw<{ bytes: bigint | number | null }[]>`
      SELECT SUM(pg_total_relation_size(c."oid"))::bigint AS "bytes" FROM pg_class c
      WHERE c."relkind" = 'r' AND c."relnamespace" = 'public'::regnamespace`;
    return { name: "database size", value: Number(row?.bytes ?? 0) / 2 ** 20, unit: "MiB", note: "tables with their indexes, search index and terms included" };
  }
  return { name: "database size", value: fs.statSync(config.sqlitePath!).size / 2 ** 20, unit: "MiB", note: "the file, with the FTS5 index and search terms" };
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm the page cache and the statement
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export async function benchAuditSearch(databases: BenchDatabase[]): Promise<GroupResults> {
  const entries = entryCount();
  // One export, loaded into each database in turn.
  const { dir, remove } = benchTempDir("search-export");
  try {
    const generated = await generateAuditExport(path.join(dir, "audit.jsonl"), entries);
    const byDatabase = await onEachDatabase("audit-search", databases, (database) =>
      withBenchDb(database, "search", (db, dataDir) => searchOn(db, dataDir, generated.file, entries)),
    );
    return { shared: [], byDatabase };
  } finally {
    remove();
  }
}

async function searchOn(db: Db, dataDir: BenchDataDir, file: string, entries: number): Promise<BenchResult[]> {
  const loaded = await load(file, dataDir);
  const page = (params: Record<string, string>) => () => searchAuditEntries(db, parseAuditSearch(new URLSearchParams(params)));
  const cases: [string, Record<string, string>][] = [
    ["(a) no filter", {}],
    ["(b) type filter (auth.failures, 4%)", { type: "auth.failures" }],
    ["(c) machine filter (1 of 5 machines)", { machine: loaded.machineId }],
    ["(d) full text, common word (\"refused\", 4%)", { q: "refused" }],
    ["(d) full text, rare (one intent id)", { q: "in_" }],
    // The generator gives machine 0 no intent.submitted entries: a search that matches nothing and walks all of the machine's entries.
    ["worst case: machine + a type it never has + time range", { type: "intent.submitted", machine: loaded.machineId, from: "2026-11-01T06:00:00Z" }],
    ["full text + machine filter", { q: "deploy", machine: loaded.machineId }],
  ];
  // A rare word: the intent id of one generated intent entry.
  const rare = await db.auditEntry.findFirst({ where: { type: "intent.submitted" }, orderBy: { seq: "asc" }, select: { subjects: true } });
  cases[4]![1] = { q: (JSON.parse(rare?.subjects ?? "{}") as { intent?: string }).intent ?? "none" };
  const results: BenchResult[] = [{ name: "load entries (search triggers on)", value: entries / loaded.seconds, unit: "entries/s", note: `${entries.toLocaleString("en-US")} entries in ${loaded.seconds.toFixed(1)} s` }];
  for (const [name, params] of cases) {
    results.push({ name: `first page + facets: ${name}`, value: await median(page(params)), unit: "ms", note: `median of ${RUNS}` });
  }
  const rowsOnly = (params: Record<string, string>) => () => db.$queryRaw(matchingEntriesSql(databaseKind(db), filtersOf(parseAuditSearch(new URLSearchParams(params))), Prisma.raw(`e."seq", e."summary"`), { limit: 51 }));
  results.push({ name: "page rows alone, no filter", value: await median(rowsOnly({})), unit: "ms", note: `median of ${RUNS}` });
  results.push({ name: "page rows alone, machine filter", value: await median(rowsOnly({ machine: loaded.machineId })), unit: "ms", note: `median of ${RUNS}` });
  results.push({ name: "(e) facets alone, no filter (capped scan)", value: await median(() => facetCounts(db, { type: [] })), unit: "ms", note: `median of ${RUNS}` });
  results.push({ name: "(e) facets alone, machine filter", value: await median(() => facetCounts(db, { type: [], machine: loaded.machineId })), unit: "ms", note: `median of ${RUNS}` });
  results.push(await databaseSize(db, dataDir));
  return results;
}
