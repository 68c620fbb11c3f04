import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { FAILURE_WINDOW_MS, flushAuthFailures } from "@/lib/auth/failures";
import { runAuthMaintenance } from "@/lib/auth/maintenance";
import { entryFromRow } from "@/lib/audit/rows";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { enroll, freshDb, NOW_MS, NOW_S, PUBLIC_URL, signedRequest, testDeps, type TestDb } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

async function failureEntries(afterSeq: number) {
  const rows = await t.db.auditEntry.findMany({ where: { type: "auth.failures", seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
  return rows.map(entryFromRow);
}

async function lastSeq(): Promise<number> {
  return (await t.db.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? -1;
}

describe("failed authentications are aggregated", () => {
  it("a flood of 500 bad requests becomes one audit entry per (minute, code, enrolled key), with exact counts", async () => {
    const a = await enroll(t.db, "flooded-a");
    const b = await enroll(t.db, "flooded-b");
    const deps = testDeps(t.db, t.config);
    const start = await lastSeq();
    const forged = `sig1=:${Buffer.alloc(64, 1).toString("base64")}:`;

    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) sends.push(authenticateMachineRequest(new Request(`${PUBLIC_URL}/api/v1/whoami`), deps));
    await Promise.all(sends.splice(0));
    for (let i = 0; i < 150; i++) {
      const signed = await signedRequest(a.key);
      sends.push(authenticateMachineRequest(signed.make({ headers: { signature: forged } }), deps));
    }
    await Promise.all(sends.splice(0));
    for (let i = 0; i < 100; i++) {
      const stranger = await generateKeyPair(nodeEd25519); // each a different, unenrolled keyid
      sends.push(authenticateMachineRequest((await signedRequest(stranger)).make(), deps));
    }
    await Promise.all(sends.splice(0));
    for (let i = 0; i < 50; i++) {
      const signed = await signedRequest(b.key, { sign: { created: NOW_S - 1000, expires: NOW_S - 900 } });
      sends.push(authenticateMachineRequest(signed.make(), deps));
    }
    await Promise.all(sends.splice(0));

    // Nothing is in the log while the window is open; the counts wait in AuthFailureCount.
    expect(await failureEntries(start)).toHaveLength(0);
    expect(await flushAuthFailures(t.db, new Date(NOW_MS))).toBe(0);

    const written = await flushAuthFailures(t.db, new Date(NOW_MS + FAILURE_WINDOW_MS));
    expect(written).toBe(4);
    const entries = await failureEntries(start);
    const groups = entries.map((e) => ({ code: e.evidence.code, keyId: e.evidence.keyId, count: e.evidence.count, subjects: e.subjects }));
    expect(groups).toEqual(
      expect.arrayContaining([
        { code: "signature_missing", keyId: "", count: 200, subjects: {} },
        { code: "signature_invalid", keyId: a.key.publicKey.keyId, count: 150, subjects: { machine: a.machine.id } },
        { code: "key_unknown", keyId: "", count: 100, subjects: {} },
        { code: "expired", keyId: b.key.publicKey.keyId, count: 50, subjects: { machine: b.machine.id } },
      ]),
    );
    expect(groups.reduce((sum, g) => sum + Number(g.count), 0)).toBe(500);
    for (const e of entries) {
      expect(e.actor).toEqual({ type: "system", id: "pteri" });
      expect(e.evidence.windowStart).toBe(new Date(Math.floor(NOW_MS / FAILURE_WINDOW_MS) * FAILURE_WINDOW_MS).toISOString());
    }
    // Flushed counts are gone; a second flush writes nothing more.
    expect(await t.db.authFailureCount.count()).toBe(0);
    expect(await flushAuthFailures(t.db, new Date(NOW_MS + 2 * FAILURE_WINDOW_MS))).toBe(0);
  }, 60_000);

  it("flushes lazily: the first request after the window closed writes the closed window's entries", async () => {
    const later = NOW_MS + 10 * FAILURE_WINDOW_MS;
    const start = await lastSeq();
    for (let i = 0; i < 3; i++) await authenticateMachineRequest(new Request(`${PUBLIC_URL}/api/v1/whoami`), testDeps(t.db, t.config, { now: () => later }));
    expect(await failureEntries(start)).toHaveLength(0);
    await authenticateMachineRequest(new Request(`${PUBLIC_URL}/api/v1/whoami`), testDeps(t.db, t.config, { now: () => later + FAILURE_WINDOW_MS }));
    const entries = await failureEntries(start);
    expect(entries.map((e) => [e.evidence.code, e.evidence.count])).toEqual([["signature_missing", 3]]);
    // ...and the request that triggered the flush is itself counted in its own, still open, window.
    expect(await t.db.authFailureCount.findMany({ select: { code: true, count: true } })).toEqual([{ code: "signature_missing", count: 1 }]);
  });
});

describe("expired nonces", () => {
  it("are purged by maintenance, live ones are kept and still refuse replays", async () => {
    const { key } = await enroll(t.db, "purged");
    const signed = await signedRequest(key);
    expect((await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config))).ok).toBe(true);
    const old = new Date(NOW_MS - 3600_000);
    await t.db.nonceUse.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({ keyId: key.publicKey.keyId, nonce: `old-nonce-${i}-aaaaaaaaaaaaaaa`, expiresAt: old })),
    });

    const report = await runAuthMaintenance(t.db, new Date(NOW_MS));
    expect(report.noncesPurged).toBe(20);
    expect(await t.db.nonceUse.count({ where: { keyId: key.publicKey.keyId } })).toBe(1);
    const replay = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
    expect(replay.ok ? "ok" : replay.code).toBe("replayed");
  });

  it("are purged lazily, at most once per minute per process, by request authentication itself", async () => {
    const { key } = await enroll(t.db, "purged-lazily");
    const second = t.openSecondClient(); // a client that has not run maintenance yet
    await t.db.nonceUse.create({ data: { keyId: key.publicKey.keyId, nonce: "stale-nonce-bbbbbbbbbbbbbbb", expiresAt: new Date(NOW_MS - 1000) } });
    const signed = await signedRequest(key);
    expect((await authenticateMachineRequest(signed.make(), testDeps(second, t.config))).ok).toBe(true);
    expect(await t.db.nonceUse.count({ where: { nonce: "stale-nonce-bbbbbbbbbbbbbbb" } })).toBe(0);
  });
});
