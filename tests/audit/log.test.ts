import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryDocument, entryHash, entryLeafHash, GENESIS_PREV_HASH } from "@/lib/audit/entry";
import { recordAuditEvent } from "@/lib/audit/log";
import { StreamingTree, rootOf, parseTreeState } from "@/lib/audit/merkle";
import { entryFromRow } from "@/lib/audit/rows";
import { loadConfig } from "@/lib/config/env";
import { createDb, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { writeTransaction } from "@/lib/db/transaction";
import { testDatabaseEnv } from "@/tests/helpers/database";

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-audit-"));
  const config = loadConfig({ PTERI_DATA_DIR: dir, ...testDatabaseEnv(dir) });
  await prepareDatabase(config);
  db = createDb(config.databaseUrl);
});
afterAll(async () => {
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

const actor = { type: "host" as const, id: "test" };

describe("recordAuditEvent", () => {
  it("appends hash-linked entries whose Merkle frontier matches a recomputation", async () => {
    for (let i = 0; i < 40; i++) {
      await writeTransaction(db, (tx) => recordAuditEvent(tx, { type: "test.event", actor, summary: `event ${i}`, evidence: { i } }));
    }
    const rows = await db.auditEntry.findMany({ orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.seq)).toEqual([...Array(40).keys()]);
    const tree = new StreamingTree();
    let prev = GENESIS_PREV_HASH;
    for (const row of rows) {
      const doc = entryDocument(entryFromRow(row));
      expect(row.prevHash).toBe(prev);
      expect(entryHash(doc)).toBe(row.entryHash);
      prev = row.entryHash;
      tree.push(entryLeafHash(row.entryHash));
    }
    const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const state = parseTreeState(head.frontier);
    expect(state.ok && Buffer.from(rootOf(state.state)).toString("hex")).toBe(Buffer.from(tree.root()).toString("hex"));
    expect(head.lastHash).toBe(prev);
    // 40 leaves: perfect subtrees at level >= 4 are [0,16), [16,32) and [0,32).
    expect(await db.auditNode.count()).toBe(3);
  });

  it("rolls back the entry together with the change when the transaction fails", async () => {
    const before = await db.auditEntry.count();
    await expect(
      writeTransaction(db, async (tx) => {
        await tx.setting.create({ data: { key: "doomed", value: "x" } });
        await recordAuditEvent(tx, { type: "test.event", actor, summary: "doomed" });
        throw new Error("the change failed after recording");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEntry.count()).toBe(before);
    expect(await db.setting.findUnique({ where: { key: "doomed" } })).toBeNull();
    const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(head.size).toBe(before);
  });

  it("refuses updates and deletes of entries in the database itself", async () => {
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "summary" = 'x' WHERE "seq" = 0`)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "seq" = 0`)).rejects.toThrow(/append-only/);
  });
});
