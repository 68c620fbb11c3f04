import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { enroll, freshDb, NOW_MS, problemOf, signedRequest, testDeps, type TestDb } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

describe("single use of (keyid, nonce)", () => {
  it("refuses the same signed request a second time", async () => {
    const { key } = await enroll(t.db, "replayed-same-instance");
    const signed = await signedRequest(key);
    const deps = testDeps(t.db, t.config);
    expect((await authenticateMachineRequest(signed.make(), deps)).ok).toBe(true);
    const again = await authenticateMachineRequest(signed.make(), deps);
    expect(again.ok).toBe(false);
    if (again.ok) return;
    const problem = await problemOf(again.response);
    expect(problem).toMatchObject({ status: 401, contentType: "application/problem+json", body: { code: "replayed", type: "https://pteri.dev/problems/replayed" } });
  });

  it("refuses the replay on a second instance (another database client on the same file)", async () => {
    const { key } = await enroll(t.db, "replayed-across-instances");
    const signed = await signedRequest(key);
    const second = t.openSecondClient();
    expect((await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config))).ok).toBe(true);
    const replay = await authenticateMachineRequest(signed.make(), testDeps(second, t.config));
    expect(replay.ok ? "accepted" : replay.code).toBe("replayed");
  });

  it("does not burn the nonce when the body was changed after signing (digest_mismatch)", async () => {
    const { key } = await enroll(t.db, "tampered-body");
    const signed = await signedRequest(key, { body: '{"amount":10}' });
    const deps = testDeps(t.db, t.config);
    const tampered = await authenticateMachineRequest(signed.make({ body: '{"amount":1000}' }), deps);
    expect(tampered.ok).toBe(false);
    if (tampered.ok) return;
    expect(await problemOf(tampered.response)).toMatchObject({ status: 401, body: { code: "digest_mismatch" } });
    expect(await t.db.nonceUse.count({ where: { nonce: signed.nonce } })).toBe(0);

    const honest = await authenticateMachineRequest(signed.make(), deps);
    expect(honest.ok).toBe(true);
    expect(await t.db.nonceUse.count({ where: { nonce: signed.nonce } })).toBe(1);
  });

  it("does not burn the nonce when the signature is forged", async () => {
    const { key } = await enroll(t.db, "forged");
    const signed = await signedRequest(key);
    const honest = signed.make();
    // Same parameters (same nonce), a signature of 64 other bytes.
    const forgedSig = `sig1=:${Buffer.alloc(64, 7).toString("base64")}:`;
    const forged = await authenticateMachineRequest(signed.make({ headers: { signature: forgedSig } }), testDeps(t.db, t.config));
    expect(forged.ok ? "accepted" : forged.code).toBe("signature_invalid");
    expect((await authenticateMachineRequest(honest, testDeps(t.db, t.config))).ok).toBe(true);
  });

  it("takes over a pair whose row expired but was not purged yet (the answer never depends on the purge)", async () => {
    const { key } = await enroll(t.db, "stale-row");
    const signed = await signedRequest(key);
    await t.db.nonceUse.create({ data: { keyId: key.publicKey.keyId, nonce: signed.nonce, expiresAt: new Date(NOW_MS - 1) } });
    expect((await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config))).ok).toBe(true);
    const row = await t.db.nonceUse.findUniqueOrThrow({ where: { keyId_nonce: { keyId: key.publicKey.keyId, nonce: signed.nonce } } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(NOW_MS);
    const replay = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
    expect(replay.ok ? "ok" : replay.code).toBe("replayed");
  });

  it("writes nothing for a refused request except its failure count", async () => {
    const { key } = await enroll(t.db, "nothing-written");
    const signed = await signedRequest(key, { body: "a" });
    const entries = await t.db.auditEntry.count();
    const nonces = await t.db.nonceUse.count();
    const seen = (await t.db.machine.findUniqueOrThrow({ where: { keyId: key.publicKey.keyId } })).lastSeenAt;
    const refused = await authenticateMachineRequest(signed.make({ body: "b" }), testDeps(t.db, t.config));
    expect(refused.ok).toBe(false);
    expect(await t.db.auditEntry.count()).toBe(entries);
    expect(await t.db.nonceUse.count()).toBe(nonces);
    expect((await t.db.machine.findUniqueOrThrow({ where: { keyId: key.publicKey.keyId } })).lastSeenAt).toEqual(seen);
  });
});
