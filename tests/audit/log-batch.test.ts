/**
 * recordAuditEvents (several entries per call) and the raw-SQL write transaction: the same
 * chain, frontier and subtree nodes as one entry at a time through writeTransaction.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { entryDocument, entryHash, entryLeafHash, GENESIS_PREV_HASH } from "@/lib/audit/entry";
import { recordAuditEvent, recordAuditEvents, type AuditEventInput } from "@/lib/audit/log";
import { parseTreeState, rootOf, StreamingTree } from "@/lib/audit/merkle";
import { entryFromRow } from "@/lib/audit/rows";
import { loadConfig } from "@/lib/config/env";
import { createDb, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { sqlWriteTransaction, writeTransaction } from "@/lib/db/transaction";
import { Prisma } from "@/lib/db/generated/client";
import { testDatabaseEnv } from "@/tests/helpers/database";

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-audit-batch-"));
  const config = loadConfig({ PTERI_DATA_DIR: dir, ...testDatabaseEnv(dir) });
  await prepareDatabase(config);
  db = createDb(config.databaseUrl);
});
afterEach(async () => {
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

const event = (i: number, time?: Date): AuditEventInput => ({ type: "test.event", actor: { type: "host", id: "test" }, summary: `event ${i}`, evidence: { i }, time });

/** Everything that describes the log: rows (hashes recomputed), head, root, subtree nodes. */
async function snapshot(d: Db) {
  const rows = await d.auditEntry.findMany({ orderBy: { seq: "asc" } });
  const tree = new StreamingTree();
  let prev = GENESIS_PREV_HASH;
  for (const row of rows) {
    const entry = entryFromRow(row);
    expect(row.prevHash).toBe(prev);
    expect(entryHash(entryDocument(entry))).toBe(row.entryHash);
    prev = row.entryHash;
    tree.push(entryLeafHash(row.entryHash));
  }
  const head = await d.auditHead.findUniqueOrThrow({ where: { id: 1 } });
  const state = parseTreeState(head.frontier);
  if (!state.ok) throw new Error(state.message);
  expect(Buffer.from(rootOf(state.state))).toEqual(Buffer.from(tree.root()));
  expect([head.size, head.lastHash]).toEqual([rows.length, prev]);
  const nodes = await d.auditNode.findMany({ orderBy: [{ level: "asc" }, { index: "asc" }] });
  return { rows: rows.map((r) => [r.seq, r.summary, r.prevHash === GENESIS_PREV_HASH ? "genesis" : "linked"]), nodes: nodes.map((n) => [n.level, n.index]), size: head.size };
}

describe("recordAuditEvents", () => {
  it("appends a list in one call exactly as one call per entry would", async () => {
    const time = new Date(Date.UTC(2026, 11, 4, 12, 0, 0));
    await writeTransaction(db, (tx) => recordAuditEvents(tx, Array.from({ length: 37 }, (_, i) => event(i, time))));
    const batched = await snapshot(db);
    const batchedHashes = (await db.auditEntry.findMany({ orderBy: { seq: "asc" } })).map((r) => r.entryHash);

    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-audit-batch-"));
    const config = loadConfig({ PTERI_DATA_DIR: otherDir, ...testDatabaseEnv(otherDir) });
    await prepareDatabase(config);
    const other = createDb(config.databaseUrl);
    try {
      for (let i = 0; i < 37; i++) await writeTransaction(other, (tx) => recordAuditEvent(tx, event(i, time)));
      expect(await snapshot(other)).toEqual(batched);
      expect((await other.auditEntry.findMany({ orderBy: { seq: "asc" } })).map((r) => r.entryHash)).toEqual(batchedHashes);
    } finally {
      await other.$disconnect();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
    expect(batched.nodes).toEqual([
      [4, 0],
      [4, 1],
      [5, 0],
    ]);
  });

  it("returns the entries it appended, and appends nothing for an empty list", async () => {
    const entries = await writeTransaction(db, (tx) => recordAuditEvents(tx, [event(0), event(1)]));
    expect(entries.map((e) => [e.seq, e.summary])).toEqual([
      [0, "event 0"],
      [1, "event 1"],
    ]);
    expect(entries[1]!.prevHash).toBe(entries[0]!.entryHash);
    expect(await writeTransaction(db, (tx) => recordAuditEvents(tx, []))).toEqual([]);
    expect((await snapshot(db)).size).toBe(2);
  });

  it("appends through sqlWriteTransaction and writeTransaction alike, interleaved, into one chain", async () => {
    for (let i = 0; i < 12; i++) {
      if (i % 3 === 0) await sqlWriteTransaction(db, (tx) => recordAuditEvents(tx, [event(i)]));
      else if (i % 3 === 1) await writeTransaction(db, (tx) => recordAuditEvent(tx, event(i)));
      else await sqlWriteTransaction(db, async (tx) => (await recordAuditEvent(tx, event(i))).seq);
    }
    // At the same time, in one process: the client's transaction queue serializes them.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? sqlWriteTransaction(db, (tx) => recordAuditEvents(tx, [event(100 + i), event(200 + i)])) : writeTransaction(db, (tx) => recordAuditEvent(tx, event(100 + i))),
      ),
    );
    expect((await snapshot(db)).size).toBe(12 + 10 * 2 + 10);
  });

  it("rolls back with the sqlWriteTransaction: nothing of a failed transaction stays", async () => {
    await sqlWriteTransaction(db, (tx) => recordAuditEvents(tx, [event(0)]));
    await expect(
      sqlWriteTransaction(db, async (tx) => {
        await recordAuditEvents(tx, [event(1), event(2)]);
        await tx.execute(Prisma.sql`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (${"doomed"}, ${"x"}, ${new Date()})`);
        throw new Error("the change failed after recording");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.setting.findUnique({ where: { key: "doomed" } })).toBeNull();
    expect((await snapshot(db)).size).toBe(1);
    // And the next append continues the chain from the committed head.
    await sqlWriteTransaction(db, (tx) => recordAuditEvents(tx, [event(3)]));
    expect((await snapshot(db)).rows.map((r) => r[1])).toEqual(["event 0", "event 3"]);
  });

  it("refuses to append when the head moved under it (a tripwire: only appends write the head)", async () => {
    await writeTransaction(db, (tx) => recordAuditEvent(tx, event(0)));
    await expect(
      writeTransaction(db, async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE "AuditHead" SET "size" = "size" + 1 WHERE "id" = 1`);
        await recordAuditEvent(tx, event(1));
      }),
    ).rejects.toThrow(/head moved/);
    expect((await snapshot(db)).size).toBe(1);
  });
});
