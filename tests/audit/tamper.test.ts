/**
 * Tampering directly in the database, as someone with database access would (after dropping
 * the append-only triggers), must be caught by `pteri audit verify` with the right entry named.
 * Every scenario starts from a copy of one honest log and runs both the library verifier and
 * the real CLI (node bin/pteri.mjs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryDocument, entryHash, type HashedAuditEntry } from "@/lib/audit/entry";
import { entryFromRow } from "@/lib/audit/rows";
import { verifyExport } from "@/lib/audit/verify-export";
import { writeTransaction } from "@/lib/db/transaction";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { appendEvents, dropGuards, enroll, exportLines, freshLog, machineRequest, writeExport, type TestLog } from "./fixtures";
import { copyLog, runCli } from "./helpers";

let honest: TestLog;
const T = 17; // the entry every scenario attacks: a machine request
let size = 0;

beforeAll(async () => {
  honest = await freshLog();
  const alpha = await enroll(honest.db, "alpha"); // entry 0
  const beta = await enroll(honest.db, "beta"); // entry 1
  await appendEvents(honest.db, 5); // 2..6
  for (let i = 0; i < 25; i++) await machineRequest(honest, i % 2 ? alpha : beta, i % 3 ? undefined : JSON.stringify({ i })); // 7..31
  size = 32;
  const row = await honest.db.auditEntry.findUniqueOrThrow({ where: { seq: T } });
  expect(row.type).toBe("machine.request");
}, 60_000);
afterAll(() => honest.close());

/** Tamper a copy of the honest log, export it, verify with the library and the CLI; both must agree. */
async function attack(name: string, tamper: (log: TestLog) => Promise<unknown>): Promise<{ message: string; seq?: number }> {
  const log = await copyLog(honest, name);
  try {
    await dropGuards(log.db);
    await tamper(log);
    const lines = await exportLines(log);
    const result = await verifyExport(lines, { backend: nodeEd25519, logKey: log.identity.vkey });
    if (result.ok) throw new Error(`${name}: the tampering went undetected`);
    const cli = await runCli(["audit", "verify", writeExport(log, lines), "--log-key", log.identity.vkey]);
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toBe(`pteri: ${result.message}`);
    return { message: result.message, ...(result.seq === undefined ? {} : { seq: result.seq }) };
  } finally {
    await log.close();
  }
}

async function rows(log: TestLog, from = 0): Promise<HashedAuditEntry[]> {
  return (await log.db.auditEntry.findMany({ where: { seq: { gte: from } }, orderBy: { seq: "asc" } })).map(entryFromRow);
}

describe("tampering in the database", () => {
  it("an untampered copy verifies (exit 0)", async () => {
    const log = await copyLog(honest, "clean");
    try {
      const file = writeExport(log, await exportLines(log));
      const cli = await runCli(["audit", "verify", file, "--log-key", log.identity.vkey]);
      expect(cli.stderr).toBe("");
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(`OK: entries 0 to ${size - 1}`);
    } finally {
      await log.close();
    }
  });

  it("a changed field: the entry's hash no longer matches", async () => {
    const r = await attack("change", (log) => log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "summary" = 'nothing happened' WHERE "seq" = ${T}`));
    expect(r).toEqual({ seq: T, message: `entry ${T}: hash mismatch: the entry was modified` });
  });

  it("a JSON column no longer valid JSON: exported as it is, and named", async () => {
    const r = await attack("json", (log) => log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "evidence" = '{"keyId":' WHERE "seq" = ${T}`));
    expect(r).toEqual({ seq: T, message: `entry ${T}: hash mismatch: the entry was modified` });
  });

  it("forged signed material, re-hashed: the machine signature fails", async () => {
    const r = await attack("forge", async (log) => {
      const [e] = await rows(log, T);
      const evidence = { ...e!.evidence, signatureBase: String(e!.evidence.signatureBase).replace("whoami", "admin") };
      const forged = entryHash(entryDocument({ ...e!, evidence }));
      await log.db.$executeRaw`UPDATE "AuditEntry" SET "evidence" = ${JSON.stringify(evidence)}, "entryHash" = ${forged} WHERE "seq" = ${T}`;
    });
    expect(r.seq).toBe(T);
    expect(r.message).toMatch(new RegExp(`^entry ${T}: machine signature invalid`));
  });

  it("a deleted entry: the next one names the gap", async () => {
    const r = await attack("delete", (log) => log.db.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "seq" = ${T}`));
    expect(r).toEqual({ seq: T + 1, message: `entry ${T + 1}: follows entry ${T - 1}, entry ${T} is missing: entries were removed` });
  });

  it("a deleted entry with the later ones renumbered: the link breaks", async () => {
    const r = await attack("delete-renumber", async (log) => {
      await log.db.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "seq" = ${T}`);
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = "seq" + 999 WHERE "seq" > ${T}`);
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = "seq" - 1000 WHERE "seq" > 999`);
    });
    expect(r.seq).toBe(T);
    expect(r.message).toMatch(new RegExp(`^entry ${T}: does not link to entry ${T - 1} \\(prevHash mismatch\\)`));
  });

  it("an inserted entry, well formed and linked: the entry after it no longer links", async () => {
    const r = await attack("insert", async (log) => {
      const [prev] = await rows(log, T - 1);
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = "seq" + 1000 WHERE "seq" >= ${T}`);
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = "seq" - 999 WHERE "seq" >= 1000`);
      const doc = { ...entryDocument(prev!), seq: T, type: "test.event", actor: { type: "host" as const, id: "attacker" }, subjects: {}, summary: "forged", evidence: {}, prevHash: prev!.entryHash };
      await writeTransaction(log.db, (tx) =>
        tx.auditEntry.create({ data: { seq: T, time: new Date(doc.time), type: doc.type, actorType: "host", actorId: "attacker", summary: doc.summary, subjects: "{}", evidence: "{}", prevHash: doc.prevHash, entryHash: entryHash(doc) } }),
      );
    });
    expect(r.seq).toBe(T + 1);
    expect(r.message).toMatch(new RegExp(`^entry ${T + 1}: does not link to entry ${T} \\(prevHash mismatch\\): an entry was removed, inserted or reordered`));
  });

  it("two entries swapped: the first of them no longer links", async () => {
    const r = await attack("swap", async (log) => {
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = -1 WHERE "seq" = ${T}`);
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = ${T} WHERE "seq" = ${T + 1}`);
      await log.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET "seq" = ${T + 1} WHERE "seq" = -1`);
    });
    expect(r.seq).toBe(T);
    expect(r.message).toMatch(new RegExp(`^entry ${T}: does not link to entry ${T - 1} \\(prevHash mismatch\\)`));
  });

  it("history rewritten consistently (every later hash recomputed): the Merkle root gives it away", async () => {
    const r = await attack("rewrite", async (log) => {
      let prevHash = (await rows(log, T - 1))[0]!.entryHash;
      for (const e of await rows(log, T)) {
        const doc = { ...entryDocument(e), prevHash, ...(e.seq === T ? { summary: "nothing happened" } : {}) };
        prevHash = entryHash(doc);
        await log.db.$executeRaw`UPDATE "AuditEntry" SET "summary" = ${doc.summary}, "prevHash" = ${doc.prevHash}, "entryHash" = ${prevHash} WHERE "seq" = ${e.seq}`;
      }
    });
    expect(r).toEqual({ message: `root at size ${size} does not match the signed checkpoint: entries were removed or changed` });
  });

  it("the last entry deleted: the signed checkpoint still counts it", async () => {
    const r = await attack("truncate", (log) => log.db.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "seq" = ${size - 1}`));
    expect(r.message).toBe(`the export ends at entry ${size - 2} but the signed checkpoint covers ${size} entries, and no consistency proof links them: entries after ${size - 2} were removed`);
  });

  it("a machine key substituted in the Machine table: the key's thumbprint gives it away", async () => {
    const r = await attack("key", async (log) => {
      const other = (await generateKeyPair()).publicKey.jwk;
      await log.db.$executeRaw`UPDATE "Machine" SET "publicJwk" = ${JSON.stringify(other)} WHERE "name" = 'alpha'`;
    });
    expect(r.message).toMatch(/^key "[A-Za-z0-9_-]{43}": its keyId is not the thumbprint of its public key/);
  });
});

