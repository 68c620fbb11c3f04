/**
 * Audit search on PostgreSQL (prisma/postgresql/migrations/*_audit_search, lib/audit/search/
 * fulltext.ts), run by npm run test:postgresql (tests/audit/search-tsquery.test.ts checks the
 * tsquery built from what a person typed on every run): full text is served by the GIN
 * index, query syntax typed by a person is searched as text and never errors, the trigger
 * indexes what SQLite's does (signature blobs left out, bad JSON tolerated), and the migration
 * backfills entries that predate it exactly as the trigger indexes new ones.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent, type AuditEventInput } from "@/lib/audit/log";
import { parseAuditSearch } from "@/lib/audit/search/query";
import { matchingEntriesSql, sampleSql } from "@/lib/audit/search/sql";
import { facetCountsSql, searchAuditEntries } from "@/lib/audit/search/search";
import { Prisma } from "@/lib/db/generated/client";
import { applyPendingMigrations, migrationTarget } from "@/lib/db/migrations";
import { writeTransaction } from "@/lib/db/transaction";
import { dropTestDatabase, testDatabaseUrl } from "@/tests/helpers/database";
import { freshLog, type TestLog } from "@/tests/audit/fixtures";


describe("audit search on PostgreSQL", () => {
  let log: TestLog;
  const seqs = { syntax: 0, unicode: 0, signed: 0 };

  const append = (input: Partial<AuditEventInput> & { summary: string }) =>
    writeTransaction(log.db, (tx) => recordAuditEvent(tx, { type: "test.pg", actor: { type: "host", id: "test" }, evidence: {}, ...input }));
  const search = async (q: string) => (await searchAuditEntries(log.db, parseAuditSearch(new URLSearchParams({ q, limit: "100" })))).entries.map((e) => e.seq);
  const plan = async (sql: Prisma.Sql) => (await log.db.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${sql}`)).map((r) => r["QUERY PLAN"]).join("\n");

  beforeAll(async () => {
    log = await freshLog();
    seqs.syntax = (await append({ summary: "alpha & beta | gamma !delta <-> epsilon:* it's back\\slash (zeta) 'quoted' label:A" })).seq;
    seqs.unicode = (await append({ summary: "Zoë ÅSTRÖM signed, don’t forget" })).seq;
    seqs.signed = (await append({
      summary: "a signed request",
      evidence: { signature: "sigblobword", request: { signature: "reqsigword", target: "https://svc.example/pay" }, document: { execute: { bodyDigest: "digestword", method: "PATCH" } }, note: "keptword" },
    })).seq;
  }, 60_000);
  afterAll(() => log?.close());

  it("searches tsquery syntax as text and never errors", async () => {
    const typed = ["alpha & beta", "!delta", "beta <-> alpha", "alpha <-> zeta", "epsilon:*", "label:A", "it's", "back\\slash", "(zeta)", "'quoted'",
      "alpha &", "& alpha", "alpha (", "alpha\\", "alpha'", "alpha:", "gamma|delta", "!!alpha & !beta"];
    for (const q of typed) expect(await search(q), q).toEqual([seqs.syntax]);
    // Obeyed, | would widen and ! would exclude; as text they are not there.
    expect(await search("alpha | nowhere")).toEqual([]);
    expect(await search("'; DROP TABLE \"AuditEntry\"; --")).toEqual([]);
    expect(await log.db.auditEntry.count()).toBeGreaterThanOrEqual(3);
  });

  it("a trailing * is a prefix search, otherwise whole words", async () => {
    expect(await search("alph*")).toEqual([seqs.syntax]);
    expect(await search("alph")).toEqual([]);
    expect(await search("svc.exam*")).toEqual([seqs.signed]);
  });

  it("finds letters beyond ASCII, case-insensitively, whatever the database's locale", async () => {
    for (const q of ["zoë", "ZOË", "åström", "don't", "DON’T"]) expect(await search(q), q).toEqual([seqs.unicode]);
  });

  it("leaves the signature blobs out of the index, and keeps the rest of the evidence", async () => {
    for (const q of ["sigblobword", "reqsigword", "digestword"]) expect(await search(q), q).toEqual([]);
    for (const q of ["keptword", "svc.example/pay", "patch"]) expect(await search(q), q).toEqual([seqs.signed]);
  });

  it("an entry whose JSON is not valid (or not an object) is still appended and indexed", async () => {
    const insert = (seq: number, subjects: string, evidence: string) =>
      log.db.$executeRaw`INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash")
        VALUES (${seq}, ${new Date()}, 'test.raw', 'operator', 'op_raw', ${`raw entry ${seq}`}, ${subjects}, ${evidence}, '', '')`;
    await insert(1_000_001, '{"machine": 5, "operator": ""}', "not json { rawword");
    await insert(1_000_002, '"just a string"', '{"text": "nul\\u0000word", "request": ["signature"], "document": {"execute": [1]}}');
    await insert(1_000_003, '{"machine": "ma_raw"}', "[1, 2]");
    expect(await search("rawword")).toEqual([1_000_001]);
    expect(await search("word")).toEqual([1_000_002]); // U+0000 cannot be in jsonb: it became a separator
    expect(await search("raw entry")).toEqual([1_000_003, 1_000_002, 1_000_001]);
    const terms = await log.db.$queryRaw<{ field: string; value: string; seq: number }[]>`
      SELECT "field", "value", "seq" FROM "AuditSearchTerm" WHERE "seq" > 1000000 ORDER BY "seq", "field"`;
    // Only non-empty JSON strings: not the number 5, not "".
    expect(terms).toEqual([
      { field: "operator", value: "op_raw", seq: 1_000_001 },
      { field: "operator", value: "op_raw", seq: 1_000_002 },
      { field: "machine", value: "ma_raw", seq: 1_000_003 },
      { field: "operator", value: "op_raw", seq: 1_000_003 },
    ]);
  });

  it("serves full text from the GIN index, including the facets' sample", async () => {
    await log.db.$executeRaw`INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash")
      SELECT 2000000 + g, now(), 'test.filler', 'host', 'test', 'filler entry ' || g, '{}', '{}', '', '' FROM generate_series(1, 20000) g`;
    // As autovacuum would: statistics, and GIN's pending list (fastupdate) merged into the index.
    await log.db.$executeRaw`VACUUM ANALYZE "AuditEntryText"`;
    await log.db.$executeRaw`VACUUM ANALYZE "AuditEntry"`;
    const filters = { q: "alpha", type: [] };
    expect(await plan(matchingEntriesSql("postgresql", filters, Prisma.raw(`e."seq"`), { limit: 51 }))).toContain("AuditEntryText_document_idx");
    expect(await plan(sampleSql("postgresql", filters, 2000).walked)).toContain("AuditEntryText_document_idx");
    expect(await search("alpha")).toEqual([seqs.syntax]);
    expect(await search("filler 19999")).toEqual([2_019_999]);
  }, 60_000);

  it("counts facets by looking up each sampled entry, never by joining whole tables (bounded as the log grows)", async () => {
    // Runs after the 20,000 filler entries above. Plain joins here got hash joins over every
    // entry and every term: 50 ms instead of 14 at 50,000 entries, and growing with the log.
    const facetPlan = await plan(facetCountsSql("postgresql", { type: [] }));
    expect(facetPlan).toContain(`Index Scan using "AuditEntry_pkey" on "AuditEntry" e`);
    expect(facetPlan).not.toMatch(/Hash Join|Seq Scan on "AuditEntry"/);
  }, 60_000);

  it("the migration backfills entries that predate it exactly as the trigger indexes new ones", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-search-backfill-"));
    const url = testDatabaseUrl(dir);
    const real = migrationTarget("postgresql");
    const before = { ...real, dir: path.join(dir, "migrations") };
    fs.mkdirSync(before.dir);
    for (const name of fs.readdirSync(real.dir).filter((n) => n === "migration_lock.toml" || n < "20261205053600_audit_search")) {
      fs.cpSync(path.join(real.dir, name), path.join(before.dir, name), { recursive: true });
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await applyPendingMigrations(url, before);
      await client.connect();
      const entries = (offset: number) => client.query(
        `INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash") VALUES
          ($1 + 1, now(), 'intent.submitted', 'machine', 'ma_1', 'payments.transfer submitted', '{"machine":"ma_1","intent":"in_1"}', '{"status":"pending","signature":"sigword","nonce":"n1"}', '', ''),
          ($1 + 2, now(), 'operator.renamed', 'operator', 'op_a', 'renamed', '{"operator":"op_b"}', 'not json', '', ''),
          ($1 + 3, now(), 'machine.request', 'machine', 'ma_2', 'request', '{"machine":"ma_2"}', '{"verifierMachineId":"ma_3","request":{"signatureInput":"x"}}', '', '')`,
        [offset],
      );
      await client.query(`INSERT INTO "Intent" ("id", "machineId", "keyId", "hash", "document", "action", "resource", "audience", "status", "decision", "expiresAt", "createdAt", "decidedAt", "submissionSeq")
        VALUES ('in_1', 'ma_1', 'k', 'h', '{}', 'payments.transfer', 'accounts/1', 'https://a', 'pending', '{"decision":"allow_with_approval"}', now(), now(), now(), 1)`);
      await entries(0);
      expect(await applyPendingMigrations(url)).toContain("20261205053600_audit_search");
      await entries(100); // the same entries again, through the trigger
      const documents = await client.query<{ seq: number; document: string }>(`SELECT "seq", "document"::text AS "document" FROM "AuditEntryText" ORDER BY "seq"`);
      const terms = await client.query<{ seq: number; field: string; value: string }>(`SELECT "seq", "field", "value" FROM "AuditSearchTerm" ORDER BY "seq", "field", "value"`);
      const older = <T extends { seq: number }>(rows: T[]) => rows.filter((r) => r.seq < 100);
      const newer = <T extends { seq: number }>(rows: T[]) => rows.filter((r) => r.seq > 100).map((r) => ({ ...r, seq: r.seq - 100 }));
      expect(older(documents.rows)).toHaveLength(3);
      expect(older(documents.rows)).toEqual(newer(documents.rows));
      expect(older(terms.rows)).toEqual(newer(terms.rows));
      expect(older(terms.rows)).toEqual([
        { seq: 1, field: "action", value: "payments.transfer" },
        { seq: 1, field: "decision", value: "allow_with_approval" },
        { seq: 1, field: "machine", value: "ma_1" },
        { seq: 1, field: "outcome", value: "pending" },
        { seq: 2, field: "operator", value: "op_a" },
        { seq: 2, field: "operator", value: "op_b" },
        { seq: 3, field: "machine", value: "ma_2" },
        { seq: 3, field: "machine", value: "ma_3" },
        { seq: 3, field: "outcome", value: "accepted" },
      ]);
      expect(documents.rows[0]!.document).not.toMatch(/'sigword'|'n1'/);
    } finally {
      await client.end();
      await dropTestDatabase(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
