/**
 * Key material remembered by an instance never stands in for the machine's status: the status
 * is read from the database for every request, and answers keep the checks' order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMachineRequest, type AuthResult } from "@/lib/auth/authenticate-machine";
import { entryFromRow } from "@/lib/audit/rows";
import { generateKeyPair } from "@/lib/protocol/keys";
import { enroll, freshDb, NOW_S, problemOf, setStatus, signedRequest, testDeps, type Enrolled, type TestDb } from "./helpers";

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

const verdict = (r: AuthResult) => (r.ok ? "ok" : r.code);

/** Enrolls a machine and has this instance (t.db) accept one request from it, so it remembers the key. */
async function remembered(name: string): Promise<Enrolled> {
  const enrolled = await enroll(t.db, name);
  expect(verdict(await authenticateMachineRequest((await signedRequest(enrolled.key)).make(), testDeps(t.db, t.config)))).toBe("ok");
  return enrolled;
}

describe("a remembered key", () => {
  it("is refused on the very next request after a revocation or suspension, and accepted again after reinstatement", async () => {
    const { key, machine } = await remembered("status-changes");
    const deps = testDeps(t.db, t.config);
    for (const [status, code] of [
      ["revoked", "key_revoked"],
      ["suspended", "key_suspended"],
      ["pending", "key_pending"],
    ] as const) {
      await setStatus(t.db, machine.id, status);
      const signed = await signedRequest(key);
      const refused = await authenticateMachineRequest(signed.make(), deps);
      expect(verdict(refused)).toBe(code);
      expect(await t.db.nonceUse.count({ where: { nonce: signed.nonce } })).toBe(0);
      await setStatus(t.db, machine.id, "active");
      expect(verdict(await authenticateMachineRequest((await signedRequest(key)).make(), deps))).toBe("ok");
    }
  });

  it("is refused when another instance revokes the machine", async () => {
    const { key, machine } = await remembered("revoked-elsewhere");
    const other = t.openSecondClient();
    await other.machine.update({ where: { id: machine.id }, data: { status: "revoked" } });
    expect(verdict(await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(t.db, t.config)))).toBe("key_revoked");
  });

  it("keeps the order of the checks: after a revocation, a forged, expired or tampered request is key_revoked", async () => {
    const { key, machine } = await remembered("revoked-and-wrong");
    await setStatus(t.db, machine.id, "revoked");
    const deps = testDeps(t.db, t.config);
    const forged = (await signedRequest(key)).make({ headers: { signature: `sig1=:${Buffer.alloc(64, 7).toString("base64")}:` } });
    const expired = (await signedRequest(key, { sign: { now: () => NOW_S - 3600 } })).make();
    const tampered = (await signedRequest(key, { body: '{"amount":10}' })).make({ body: '{"amount":1000}' });
    for (const request of [forged, expired, tampered]) {
      const refused = await authenticateMachineRequest(request, deps);
      expect(verdict(refused)).toBe("key_revoked");
      if (!refused.ok) expect((await problemOf(refused.response)).body.detail).toMatch(/revoked/);
    }
  });

  it("still gets the specific refusal for a bad request while the machine is active", async () => {
    const { key } = await remembered("active-and-wrong");
    const deps = testDeps(t.db, t.config);
    const forged = (await signedRequest(key)).make({ headers: { signature: `sig1=:${Buffer.alloc(64, 7).toString("base64")}:` } });
    expect(verdict(await authenticateMachineRequest(forged, deps))).toBe("signature_invalid");
    expect(verdict(await authenticateMachineRequest((await signedRequest(key, { sign: { now: () => NOW_S - 3600 } })).make(), deps))).toBe("expired");
    const tampered = (await signedRequest(key, { body: "a" })).make({ body: "b" });
    expect(verdict(await authenticateMachineRequest(tampered, deps))).toBe("digest_mismatch");
  });

  it("answers with the machine as it is now: a renamed machine's entry and answer carry the new name", async () => {
    const { key, machine } = await remembered("before-rename");
    await t.db.machine.update({ where: { id: machine.id }, data: { name: "after-rename", tags: JSON.stringify(["team:new"]) } });
    const auth = await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(t.db, t.config));
    expect(auth.ok && auth.machine).toMatchObject({ name: "after-rename", tags: ["team:new"] });
    if (!auth.ok) return;
    const entry = entryFromRow(await t.db.auditEntry.findUniqueOrThrow({ where: { seq: auth.auditSeq } }));
    expect(entry.summary).toBe('Machine "after-rename" sent a signed GET /api/v1/whoami.');
  });

  it("is key_revoked once the machine changed to another key (the old key is retired)", async () => {
    const { key, machine } = await remembered("rekeyed");
    const next = await generateKeyPair();
    await t.db.$transaction([
      t.db.retiredKey.create({ data: { keyId: machine.keyId, machineId: machine.id, publicJwk: JSON.stringify(machine.publicJwk), retiredAt: new Date(), reason: "rekeyed" } }),
      t.db.machine.update({ where: { id: machine.id }, data: { keyId: next.publicKey.keyId, publicJwk: JSON.stringify(next.publicKey.jwk) } }),
    ]);
    expect(verdict(await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(t.db, t.config)))).toBe("key_revoked");
    expect(verdict(await authenticateMachineRequest((await signedRequest(next)).make(), testDeps(t.db, t.config)))).toBe("ok");
  });

  it("can never be left without its machine: the database refuses to delete machines", async () => {
    const { machine } = await remembered("undeletable");
    // Raw SQL, so the refusal is the database's own trigger and not a client-side check.
    await expect(t.db.$executeRaw`DELETE FROM "Machine" WHERE "id" = ${machine.id}`).rejects.toThrow(/never deleted/);
    expect(await t.db.machine.count({ where: { id: machine.id } })).toBe(1);
  });
});
