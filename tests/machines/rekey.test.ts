/**
 * Re-keying (rekeyMachine, what POST /api/v1/machine/rekey runs after authenticating the
 * request with the current key): both keys must agree, for this server; the old key is
 * retired in the same transaction and refused as key_revoked from the next request on every
 * instance. Every refusal changes nothing. (The route end to end: machine-api.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { authenticateMachineRequest, type AuthResult } from "@/lib/auth/authenticate-machine";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { MACHINE_EVENTS } from "@/lib/machines/events";
import { changeMachineStatus, setMachinePermissions } from "@/lib/machines/lifecycle";
import type { Machine } from "@/lib/machines/model";
import { rekeyMachine } from "@/lib/machines/rekey";
import { findMachineById, registerMachine } from "@/lib/machines/repository";
import { encodeProof, keyChangeMessage, keyChangeStatement, REKEY_PATH, type KeyChangeStatement } from "@/lib/machines/wire";
import { base64UrlEncode, utf8Encode } from "@/lib/protocol/encoding";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { canonicalJson } from "@/lib/protocol/jcs";
import { generateKeyPair, type GeneratedKeyPair } from "@/lib/protocol/keys";
import { NOW_MS, PUBLIC_URL, signedRequest, testDeps } from "../auth/helpers";
import { entriesOf, machineErrorOf, OPERATOR, snapshot, setUpFreshDb } from "./helpers";

const t = setUpFreshDb();

const newKey = () => generateKeyPair(nodeEd25519);
const verdict = (r: AuthResult) => (r.ok ? "ok" : r.code);
let counter = 0;

async function activeMachine(): Promise<{ key: GeneratedKeyPair; machine: Machine }> {
  const key = await newKey();
  const machine = await writeTransaction(t.db, (tx) => registerMachine(tx, { name: `rk-${++counter}`, publicKey: key.publicKey.jwk, tags: ["keep"], actor: OPERATOR }));
  return { key, machine };
}

async function authOn(db: Db, key: GeneratedKeyPair) {
  return verdict(await authenticateMachineRequest((await signedRequest(key)).make(), testDeps(db, t.config)));
}

async function proofBy(signer: GeneratedKeyPair, statement: KeyChangeStatement) {
  return encodeProof(await nodeEd25519.sign(signer.seed, keyChangeMessage(statement)));
}

function body(publicKey: unknown, proof: unknown): Uint8Array {
  return utf8Encode(JSON.stringify({ publicKey, proof }));
}

/** The signed key-change request, authenticated with the current key as the route does. */
async function authenticatedRekey(key: GeneratedKeyPair, payload: Uint8Array) {
  const signed = await signedRequest(key, { url: `${PUBLIC_URL}${REKEY_PATH}`, method: "POST", body: payload });
  const auth = await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config));
  if (!auth.ok) throw new Error(`authentication refused: ${auth.code}`);
  return auth;
}

function rekey(machine: Machine, payload: Uint8Array, requestSeq = 0) {
  return rekeyMachine(t.db, { machine, body: payload, publicUrl: t.config.publicUrl, requestSeq, backend: nodeEd25519, now: new Date(NOW_MS) });
}

describe("a successful re-key", () => {
  it("swaps the key in place, retires the old one, and records statement, proof and the request's entry", async () => {
    const { key: old, machine } = await activeMachine();
    await writeTransaction(t.db, (tx) => setMachinePermissions(tx, OPERATOR, machine.id, ["audit.read"]));
    // Both instances have seen the old key active (and may remember it).
    expect(await authOn(t.db, old)).toBe("ok");
    expect(await authOn(t.second, old)).toBe("ok");

    const next = await newKey();
    const statement = keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, next.publicKey.keyId);
    const payload = body(next.publicKey.jwk, await proofBy(next, statement));
    const auth = await authenticatedRekey(old, payload);
    const before = await t.db.auditEntry.count();
    const result = await rekeyMachine(t.db, { machine: auth.machine, body: auth.body, publicUrl: t.config.publicUrl, requestSeq: auth.auditSeq, backend: nodeEd25519, now: new Date(NOW_MS) });

    expect(result.retiredKeyId).toBe(old.publicKey.keyId);
    expect(result.machine).toMatchObject({ id: machine.id, name: machine.name, tags: ["keep"], permissions: ["audit.read"], status: "active", keyId: next.publicKey.keyId, publicJwk: next.publicKey.jwk });
    expect(await t.db.retiredKey.findUnique({ where: { keyId: old.publicKey.keyId } })).toMatchObject({ machineId: machine.id, reason: "rekeyed", publicJwk: JSON.stringify(old.publicKey.jwk), retiredAt: new Date(NOW_MS) });

    const entries = await entriesOf(t.db, { seq: { gte: before } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      type: MACHINE_EVENTS.rekeyed,
      actor: { type: "machine", id: old.publicKey.keyId },
      subjects: { machine: machine.id },
      evidence: { machineId: machine.id, oldKeyId: old.publicKey.keyId, newKeyId: next.publicKey.keyId, oldPublicJwk: old.publicKey.jwk, newPublicJwk: next.publicKey.jwk, statement, requestSeq: auth.auditSeq },
    });
    expect(statement).toEqual({ type: "pteri.key-change", server: "http://localhost:3000", oldKeyId: old.publicKey.keyId, newKeyId: next.publicKey.keyId });
    // The recorded proof is the new key's signature over the recorded statement: checkable offline.
    const recorded = entries[0]!.evidence as { proof: string; statement: KeyChangeStatement };
    expect(await nodeEd25519.verify(next.publicKey.raw, keyChangeMessage(recorded.statement), Buffer.from(recorded.proof, "base64url"))).toBe(true);
    // The request that asked for it is in the log too, before.
    expect((await t.db.auditEntry.findUniqueOrThrow({ where: { seq: auth.auditSeq } })).type).toBe("machine.request");

    // The very next request: the old key is revoked everywhere, the new one works everywhere.
    expect(await authOn(t.db, old)).toBe("key_revoked");
    expect(await authOn(t.second, old)).toBe("key_revoked");
    expect(await authOn(t.db, next)).toBe("ok");
    expect(await authOn(t.second, next)).toBe("ok");
  });

  it("twice in a row: both earlier keys are revoked, the machine keeps its identity", async () => {
    const { key: a, machine } = await activeMachine();
    const b = await newKey();
    const c = await newKey();
    const m1 = (await rekey(machine, body(b.publicKey.jwk, await proofBy(b, keyChangeStatement(PUBLIC_URL, a.publicKey.keyId, b.publicKey.keyId))))).machine;
    const m2 = (await rekey(m1, body(c.publicKey.jwk, await proofBy(c, keyChangeStatement(PUBLIC_URL, b.publicKey.keyId, c.publicKey.keyId))))).machine;
    expect(m2.id).toBe(machine.id);
    expect(await t.db.retiredKey.count({ where: { machineId: machine.id } })).toBe(2);
    expect([await authOn(t.db, a), await authOn(t.db, b), await authOn(t.db, c)]).toEqual(["key_revoked", "key_revoked", "ok"]);
  });
});

describe("refusals change nothing", () => {
  async function refused(machine: Machine, payload: Uint8Array) {
    const before = await snapshot(t.db);
    const error = await machineErrorOf(rekey(machine, payload));
    expect(await snapshot(t.db)).toEqual(before);
    return error;
  }

  it("proof signed by another key than the new one", async () => {
    const { key: old, machine } = await activeMachine();
    const next = await newKey();
    const stranger = await newKey();
    const statement = keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, next.publicKey.keyId);
    expect((await refused(machine, body(next.publicKey.jwk, await proofBy(stranger, statement)))).code).toBe("proof_invalid");
    // Nor by the old key: the new key must agree.
    expect((await refused(machine, body(next.publicKey.jwk, await proofBy(old, statement)))).code).toBe("proof_invalid");
    expect(await authOn(t.db, old)).toBe("ok");
  });

  it("proof over a statement for another server", async () => {
    const { key: old, machine } = await activeMachine();
    const next = await newKey();
    for (const server of ["https://evil.example", "http://localhost:3001", "https://localhost:3000"]) {
      const statement = keyChangeStatement(server, old.publicKey.keyId, next.publicKey.keyId);
      expect((await refused(machine, body(next.publicKey.jwk, await proofBy(next, statement)))).code, server).toBe("proof_invalid");
    }
  });

  it("proof over a statement naming another old key, or another new key", async () => {
    const { key: old, machine } = await activeMachine();
    const { key: otherMachineKey } = await activeMachine();
    const next = await newKey();
    const other = await newKey();
    const wrongOld = keyChangeStatement(PUBLIC_URL, otherMachineKey.publicKey.keyId, next.publicKey.keyId);
    expect((await refused(machine, body(next.publicKey.jwk, await proofBy(next, wrongOld)))).code).toBe("proof_invalid");
    const wrongNew = keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, other.publicKey.keyId);
    expect((await refused(machine, body(next.publicKey.jwk, await proofBy(next, wrongNew)))).code).toBe("proof_invalid");
  });

  it("a signature over the statement without the domain-separation prefix, or a malformed proof", async () => {
    const { key: old, machine } = await activeMachine();
    const next = await newKey();
    const statement = keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, next.publicKey.keyId);
    const bare = encodeProof(await nodeEd25519.sign(next.seed, utf8Encode(canonicalJson(statement))));
    expect((await refused(machine, body(next.publicKey.jwk, bare))).code).toBe("proof_invalid");
    const good = await proofBy(next, statement);
    // Missing, not text, empty, not base64url, truncated, too long, 64 zero bytes, padded standard base64.
    for (const proof of [undefined, null, 42, "", "not base64!", good.slice(0, -4), good + "AAAA", base64UrlEncode(new Uint8Array(64)), Buffer.from(good, "base64url").toString("base64")]) {
      expect((await refused(machine, body(next.publicKey.jwk, proof))).code, String(proof)).toBe("proof_invalid");
    }
  });

  it("the new key equal to the current key, or already enrolled to another machine (current or retired)", async () => {
    const { key: old, machine } = await activeMachine();
    const same = keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, old.publicKey.keyId);
    expect((await refused(machine, body(old.publicKey.jwk, await proofBy(old, same)))).code).toBe("key_already_enrolled");

    const { key: taken, machine: owner } = await activeMachine();
    const toTaken = keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, taken.publicKey.keyId);
    const r = await refused(machine, body(taken.publicKey.jwk, await proofBy(taken, toTaken)));
    expect(r).toMatchObject({ code: "key_already_enrolled", message: expect.stringContaining(owner.name) });

    // owner re-keys away from `taken`: it is now a retired key, and still refused.
    const fresh = await newKey();
    await rekey(owner, body(fresh.publicKey.jwk, await proofBy(fresh, keyChangeStatement(PUBLIC_URL, taken.publicKey.keyId, fresh.publicKey.keyId))));
    expect((await refused(machine, body(taken.publicKey.jwk, await proofBy(taken, toTaken)))).code).toBe("key_already_enrolled");
  });

  it("a bad new key or a bad body", async () => {
    const { machine } = await activeMachine();
    const smallOrder = { kty: "OKP", crv: "Ed25519", x: base64UrlEncode(Buffer.from("01" + "00".repeat(31), "hex")) };
    expect((await refused(machine, body(smallOrder, "x"))).code).toBe("public_key_invalid");
    expect((await refused(machine, body(undefined, "x"))).code).toBe("public_key_invalid");
    expect((await refused(machine, utf8Encode("not json"))).code).toBe("body_invalid");
    expect((await refused(machine, utf8Encode("[]"))).code).toBe("body_invalid");
  });
});

describe("the machine's state decides", () => {
  it("a suspended machine cannot even send the request (key_suspended); a stale active record does not help", async () => {
    const { key: old, machine } = await activeMachine();
    await writeTransaction(t.db, (tx) => changeMachineStatus(tx, OPERATOR, machine.id, "suspend", { reason: "hold" }));
    const next = await newKey();
    const payload = body(next.publicKey.jwk, await proofBy(next, keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, next.publicKey.keyId)));
    const signed = await signedRequest(old, { url: `${PUBLIC_URL}${REKEY_PATH}`, method: "POST", body: payload });
    expect(verdict(await authenticateMachineRequest(signed.make(), testDeps(t.db, t.config)))).toBe("key_suspended");
    // Suspended between authentication and the re-key transaction: refused there.
    const before = await snapshot(t.db);
    expect((await machineErrorOf(rekey(machine, payload))).code).toBe("machine_state");
    expect(await snapshot(t.db)).toEqual(before);
    expect((await findMachineById(t.db, machine.id))!.keyId).toBe(old.publicKey.keyId);
  });

  it("revoked in between: refused, the key stays revoked", async () => {
    const { key: old, machine } = await activeMachine();
    await writeTransaction(t.db, (tx) => changeMachineStatus(tx, OPERATOR, machine.id, "revoke", { reason: "lost" }));
    const next = await newKey();
    const payload = body(next.publicKey.jwk, await proofBy(next, keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, next.publicKey.keyId)));
    expect((await machineErrorOf(rekey(machine, payload))).code).toBe("machine_state");
    expect(await authOn(t.db, next)).toBe("key_unknown");
    expect(await authOn(t.db, old)).toBe("key_revoked");
  });

  it("two re-keys at once from the same key: one wins, the other is refused (the key changed meanwhile)", async () => {
    const { key: old, machine } = await activeMachine();
    const [b, c] = await Promise.all([newKey(), newKey()]);
    const pb = body(b.publicKey.jwk, await proofBy(b, keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, b.publicKey.keyId)));
    const pc = body(c.publicKey.jwk, await proofBy(c, keyChangeStatement(PUBLIC_URL, old.publicKey.keyId, c.publicKey.keyId)));
    const results = await Promise.allSettled([rekey(machine, pb), rekey(machine, pc)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ code: "machine_state", message: expect.stringMatching(/changed meanwhile/) });
    expect(await t.db.retiredKey.count({ where: { machineId: machine.id } })).toBe(1);
    expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.rekeyed, subjects: { contains: machine.id } } })).toBe(1);
  });
});
