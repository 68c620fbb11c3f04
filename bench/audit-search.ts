/**
 * Audit search benchmark (issue 9): server time of a first page (50 entries, with its facet
 * counts, as GET /api/audit/entries computes them) over a log of PTERI_BENCH_AUDIT_ENTRIES
 * entries (default one million) written by bench/generate-audit.ts and loaded into a fresh
 * SQLite database through the real migrations, so the search triggers index every entry.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import Database from "better-sqlite3";
import { filtersOf, parseAuditSearch } from "../lib/audit/search/query";
import { matchingEntriesSql } from "../lib/audit/search/sql";
import { Prisma } from "../lib/db/generated/client";
import { facetCounts, searchAuditEntries } from "../lib/audit/search/search";
import { loadConfig } from "../lib/config/env";
import { createDb } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { generateAuditExport } from "./generate-audit";
import type { BenchResult } from "./result";

const RUNS = 15;

function entryCount(): number {
  const n = Number(process.env.PTERI_BENCH_AUDIT_ENTRIES ?? "1000000");
  if (!Number.isSafeInteger(n) || n < 1) throw new Error("PTERI_BENCH_AUDIT_ENTRIES must be a positive whole number");
  return n;
}

/** Loads the export's entries straight into AuditEntry (the triggers fill the search tables). */
async function load(file: string, databaseFile: string): Promise<{ machineId: string; seconds: number }> {
  const started = performance.now();
  const sqlite = new Database(databaseFile);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const insert = sqlite.prepare(
    `INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  type Entry = { kind: string; seq: number; time: string; type: string; actor: { type: string; id: string }; summary: string; subjects: Record<string, string>; evidence: unknown; prevHash: string; entryHash: string };
  const flush = sqlite.transaction((batch: Entry[]) => {
    // Stored as Prisma stores DateTime in SQLite: ISO 8601 with +00:00.
    for (const e of batch) insert.run(e.seq, e.time.replace("Z", "+00:00"), e.type, e.actor.type, e.actor.id, e.summary, JSON.stringify(e.subjects), JSON.stringify(e.evidence), e.prevHash, e.entryHash);
  });
  let machineId = "";
  let batch: Entry[] = [];
  for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    const line = JSON.parse(text) as Entry;
    if (line.kind !== "entry") continue;
    machineId ||= line.subjects.machine ?? "";
    batch.push(line);
    if (batch.length === 10_000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  sqlite.close();
  return { machineId, seconds: (performance.now() - started) / 1000 };
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

export async function benchAuditSearch(): Promise<BenchResult[]> {
  const entries = entryCount();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-bench-search-"));
  try {
    const config = loadConfig({ PTERI_DATA_DIR: dir });
    await prepareDatabase(config);
    const generated = await generateAuditExport(path.join(dir, "audit.jsonl"), entries);
    const loaded = await load(generated.file, config.databaseUrl.replace(/^file:/, ""));
    fs.rmSync(generated.file);
    const db = createDb(config.databaseUrl);
    try {
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
      const results: BenchResult[] = [{ name: "load entries (search triggers on)", value: entries / loaded.seconds, unit: "entries/s", note: `${entries.toLocaleString("en-US")} entries in ${loaded.seconds.toFixed(0)} s` }];
      for (const [name, params] of cases) {
        results.push({ name: `first page + facets: ${name}`, value: await median(page(params)), unit: "ms", note: `median of ${RUNS}` });
      }
      const rowsOnly = (params: Record<string, string>) => () => db.$queryRaw(matchingEntriesSql(filtersOf(parseAuditSearch(new URLSearchParams(params))), Prisma.raw(`e."seq", e."summary"`), { limit: 51 }));
      results.push({ name: "page rows alone, no filter", value: await median(rowsOnly({})), unit: "ms", note: `median of ${RUNS}` });
      results.push({ name: "page rows alone, machine filter", value: await median(rowsOnly({ machine: loaded.machineId })), unit: "ms", note: `median of ${RUNS}` });
      results.push({ name: "(e) facets alone, no filter (capped scan)", value: await median(() => facetCounts(db, { type: [] })), unit: "ms", note: `median of ${RUNS}` });
      results.push({ name: "(e) facets alone, machine filter", value: await median(() => facetCounts(db, { type: [], machine: loaded.machineId })), unit: "ms", note: `median of ${RUNS}` });
      results.push({ name: "database size", value: fs.statSync(config.databaseUrl.replace(/^file:/, "")).size / 2 ** 20, unit: "MiB", note: "with the FTS5 index and search terms" });
      return results;
    } finally {
      await db.$disconnect();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
