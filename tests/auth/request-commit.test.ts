/**
 * Committing accepted requests together (group commit): each request keeps its own nonce
 * claim, its own audit entry and its own answer, decided in one write transaction.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest, type AuthResult } from "@/lib/auth/authenticate-machine";
import { commitAcceptedRequest, LAST_SEEN_RESOLUTION_MS, requestCommitStats, type AcceptedRequest } from "@/lib/auth/request-commit";
import { entryDocument, entryHash } from "@/lib/audit/entry";
import { entryFromRow } from "@/lib/audit/rows";
import { databaseKind, type Db } from "@/lib/db/client";
import { enroll, freshDb, NOW_MS, NOW_S, setStatus, signedRequest, testDeps, type TestDb } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

const verdict = (r: AuthResult) => (r.ok ? "ok" : r.code);

async function entriesFrom(seq: number) {
  return (await t.db.auditEntry.findMany({ where: { seq: { gte: seq } }, orderBy: { seq: "asc" } })).map(entryFromRow);
}

describe("requests that arrive together", () => {
  it("share one commit, and each gets its own machine.request entry, nonce claim and answer", async () => {
    const { key, machine } = await enroll(t.db, "together");
    const signed = await Promise.all(Array.from({ length: 6 }, () => signedRequest(key)));
    const start = await t.db.auditEntry.count();
    const before = requestCommitStats(t.db);

    const results = await Promise.all(signed.map((s) => authenticateMachineRequest(s.make(), testDeps(t.db, t.config))));

    expect(results.map(verdict)).toEqual(Array(6).fill("ok"));
    const after = requestCommitStats(t.db);
    expect(after.requests - before.requests).toBe(6);
    expect(after.batches - before.batches).toBeLessThan(6);

    const seqs = results.map((r) => (r.ok ? r.auditSeq : -1));
    expect([...seqs].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i));
    const entries = await entriesFrom(start);
    expect(entries).toHaveLength(6);
    signed.forEach((s, i) => {
      const entry = entries.find((e) => e.seq === seqs[i])!;
      expect(entry).toMatchObject({ type: "machine.request", subjects: { machine: machine.id }, evidence: { nonce: s.nonce, signatureBase: s.signatureBase } });
    });
    // One chain: each entry's hash recomputes and links to the one before.
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.entryHash);
    for (const e of entries) expect(entryHash(entryDocument(e))).toBe(e.entryHash);
    expect(await t.db.nonceUse.count({ where: { keyId: key.publicKey.keyId } })).toBe(6);
  });

  it("refuses a replay alone: the copy is replayed, every other request commits", async () => {
    const { key } = await enroll(t.db, "replayed-in-a-batch");
    const signed = await Promise.all(Array.from({ length: 4 }, () => signedRequest(key)));
    const start = await t.db.auditEntry.count();
    const requests = [...signed.map((s) => s.make()), signed[1]!.make()];
    const results = await Promise.all(requests.map((r) => authenticateMachineRequest(r, testDeps(t.db, t.config))));
    expect(results.map(verdict).sort()).toEqual(["ok", "ok", "ok", "ok", "replayed"]);
    expect(results[4]!.ok || results[1]!.ok).toBe(true);
    expect(await t.db.auditEntry.count()).toBe(start + 4);
    expect(await t.db.nonceUse.count({ where: { keyId: key.publicKey.keyId } })).toBe(4);
  });

  it("refuses a revoked machine's request alone, without burning its nonce", async () => {
    const a = await enroll(t.db, "revoked-in-a-batch");
    const b = await enroll(t.db, "active-in-a-batch");
    // a's key is now remembered by this instance: the refusal comes from the commit's re-read.
    expect((await authenticateMachineRequest((await signedRequest(a.key)).make(), testDeps(t.db, t.config))).ok).toBe(true);
    await setStatus(t.db, a.machine.id, "revoked");
    const fromA = await signedRequest(a.key);
    const fromB = await Promise.all([signedRequest(b.key), signedRequest(b.key)]);
    const results = await Promise.all([fromB[0]!.make(), fromA.make(), fromB[1]!.make()].map((r) => authenticateMachineRequest(r, testDeps(t.db, t.config))));
    expect(results.map(verdict)).toEqual(["ok", "key_revoked", "ok"]);
    expect(await t.db.nonceUse.count({ where: { nonce: fromA.nonce } })).toBe(0);
  });

  it("fails only the request whose commit fails (503), and writes nothing for it", async () => {
    const { key } = await enroll(t.db, "one-fails");
    const signed = await Promise.all(Array.from({ length: 3 }, () => signedRequest(key)));
    const doomed = signed[1]!.nonce;
    // The database refuses that one request's nonce row: its transaction cannot commit.
    const dropTrigger = await refuseNonceInsert(t.db, doomed);
    const start = await t.db.auditEntry.count();
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      const results = await Promise.all(signed.map((s) => authenticateMachineRequest(s.make(), testDeps(t.db, t.config))));
      expect(results.map(verdict)).toEqual(["ok", "auth_unavailable", "ok"]);
      expect(results[1]!.ok ? 0 : results[1]!.response.status).toBe(503);
    } finally {
      console.error = original;
      await dropTrigger();
    }
    expect(errors.join("\n")).toMatch(/request authentication unavailable/);
    expect(await t.db.auditEntry.count()).toBe(start + 2);
    expect(await t.db.nonceUse.count({ where: { nonce: doomed } })).toBe(0);
    const entries = await entriesFrom(start);
    expect(entries.map((e) => (e.evidence as { nonce: string }).nonce).sort()).toEqual([signed[0]!.nonce, signed[2]!.nonce].sort());
  });

  it("answers each request with its own result when committed directly, entries in arrival order", async () => {
    const { key, machine } = await enroll(t.db, "direct-commit");
    const start = await t.db.auditEntry.count();
    const request = (label: string): AcceptedRequest => ({
      keyId: key.publicKey.keyId,
      nonce: crypto.randomBytes(16).toString("base64url"),
      nonceExpiresAt: new Date(NOW_MS + 330_000),
      now: new Date(NOW_MS),
      entry: (m) => ({ type: "machine.request", actor: { type: "machine", id: m.keyId }, subjects: { machine: m.id }, summary: label }),
    });
    const outcomes = await Promise.all(["first", "second", "third"].map((label) => commitAcceptedRequest(t.db, request(label))));
    expect(outcomes.map((o) => (o.ok ? o.auditSeq : o.code))).toEqual([start, start + 1, start + 2]);
    expect(outcomes.every((o) => o.ok && o.machine.id === machine.id)).toBe(true);
    expect((await entriesFrom(start)).map((e) => e.summary)).toEqual(["first", "second", "third"]);
  });
});

describe("lastSeenAt", () => {
  it("is written at most once a minute per machine, while every answer says the machine was seen now", async () => {
    const { key, machine } = await enroll(t.db, "seen-coarsely");
    const at = async (offsetMs: number) => {
      const signed = await signedRequest(key, { sign: { now: () => NOW_S + offsetMs / 1000 } });
      const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config, { now: () => NOW_MS + offsetMs }));
      expect(auth.ok ? auth.machine.lastSeenAt?.getTime() : auth.code).toBe(NOW_MS + offsetMs);
      return (await t.db.machine.findUniqueOrThrow({ where: { id: machine.id } })).lastSeenAt?.getTime();
    };
    expect(await at(0)).toBe(NOW_MS);
    expect(await at(30_000)).toBe(NOW_MS);
    expect(await at(LAST_SEEN_RESOLUTION_MS - 1)).toBe(NOW_MS);
    expect(await at(LAST_SEEN_RESOLUTION_MS)).toBe(NOW_MS + LAST_SEEN_RESOLUTION_MS);
  });
});

/** A trigger that makes the database refuse one nonce's row; returns how to drop it. */
async function refuseNonceInsert(db: Db, nonce: string): Promise<() => Promise<void>> {
  if (databaseKind(db) === "sqlite") {
    await db.$executeRawUnsafe(`CREATE TRIGGER "test_refuse_nonce" BEFORE INSERT ON "NonceUse" WHEN NEW."nonce" = '${nonce}' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    return async () => void (await db.$executeRawUnsafe(`DROP TRIGGER "test_refuse_nonce"`));
  }
  await db.$executeRawUnsafe(`CREATE FUNCTION "test_refuse_nonce"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END; $$`);
  await db.$executeRawUnsafe(`CREATE TRIGGER "test_refuse_nonce" BEFORE INSERT ON "NonceUse" FOR EACH ROW WHEN (NEW."nonce" = '${nonce}') EXECUTE FUNCTION "test_refuse_nonce"()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER "test_refuse_nonce" ON "NonceUse"`);
    await db.$executeRawUnsafe(`DROP FUNCTION "test_refuse_nonce"()`);
  };
}
