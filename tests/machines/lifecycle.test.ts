/**
 * A machine's lifecycle (changeMachineStatus, setMachinePermissions, activation on proof):
 * every transition of the table in lib/machines/lifecycle.ts, one audit entry per change, and
 * request authentication reflecting each change on the very next request, on every instance.
 */
import { describe, expect, it } from "vitest";
import { authenticateMachineRequest, type AuthResult } from "@/lib/auth/authenticate-machine";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { enrollWithTicket } from "@/lib/machines/enrollment";
import { MACHINE_EVENTS } from "@/lib/machines/events";
import { changeMachineStatus, MACHINE_ACTIONS, setMachinePermissions, type MachineAction } from "@/lib/machines/lifecycle";
import { machineHasPermission, type Machine, type MachineStatus } from "@/lib/machines/model";
import { findMachineById, registerMachine } from "@/lib/machines/repository";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair, type GeneratedKeyPair } from "@/lib/protocol/keys";
import { signedRequest, testDeps } from "../auth/helpers";
import { enrollRequest, entriesOf, machineErrorOf, newTicket, OPERATOR, snapshot, setUpFreshDb } from "./helpers";

const t = setUpFreshDb();

const verdict = (r: AuthResult) => (r.ok ? "ok" : r.code);
let counter = 0;

async function registered(activation: "proof" | null = null): Promise<{ key: GeneratedKeyPair; machine: Machine }> {
  const key = await generateKeyPair(nodeEd25519);
  const machine = await writeTransaction(t.db, (tx) => registerMachine(tx, { name: `m-${++counter}`, publicKey: key.publicKey.jwk, actor: OPERATOR, activation }));
  return { key, machine };
}

/** A machine enrolled with a ticket that needs confirmation: pending, activation "confirm". */
async function enrolledPending(): Promise<{ key: GeneratedKeyPair; machine: Machine }> {
  const { ticket } = await newTicket(t.db, { name: `e-${++counter}` });
  const key = await generateKeyPair(nodeEd25519);
  const result = await enrollWithTicket((await enrollRequest(key, ticket)).make(), testDeps(t.db, t.config));
  if (!result.ok) throw new Error("enrollment failed");
  return { key, machine: result.machine };
}

function change(id: string, action: MachineAction, input: { reason?: unknown; fingerprint?: unknown } = { reason: "because" }, db: Db = t.db) {
  return writeTransaction(db, (tx) => changeMachineStatus(tx, OPERATOR, id, action, input));
}

async function authOn(db: Db, key: GeneratedKeyPair) {
  return verdict(await authenticateMachineRequest((await signedRequest(key, { sign: { now: () => Date.now() / 1000 } })).make(), testDeps(db, t.config, { now: Date.now })));
}

type State = "pending/confirm" | "pending/proof" | "active" | "suspended" | "revoked";
const STATES: State[] = ["pending/confirm", "pending/proof", "active", "suspended", "revoked"];

/** The table of lib/machines/lifecycle.ts, written out: from state and action to the new status, or null (refused). */
const EXPECTED: Record<State, Record<MachineAction, MachineStatus | null>> = {
  "pending/confirm": { confirm: "active", suspend: "suspended", resume: null, revoke: "revoked" },
  "pending/proof": { confirm: "active", suspend: "suspended", resume: null, revoke: "revoked" },
  active: { confirm: null, suspend: "suspended", resume: null, revoke: "revoked" },
  suspended: { confirm: null, suspend: null, resume: "active", revoke: "revoked" },
  revoked: { confirm: null, suspend: null, resume: null, revoke: null },
};

async function machineIn(state: State): Promise<Machine> {
  const { machine } = await registered(state === "pending/proof" ? "proof" : null);
  if (state === "pending/confirm") await t.db.machine.update({ where: { id: machine.id }, data: { status: "pending", activation: "confirm", activatedAt: null } });
  if (state === "suspended" || state === "revoked") await t.db.machine.update({ where: { id: machine.id }, data: { status: state } });
  return (await findMachineById(t.db, machine.id))!;
}

describe("the transition table", () => {
  it("lists exactly the four actions", () => {
    expect([...MACHINE_ACTIONS].sort()).toEqual(["confirm", "resume", "revoke", "suspend"]);
  });

  for (const state of STATES) {
    for (const action of ["confirm", "suspend", "resume", "revoke"] as const) {
      const to = EXPECTED[state][action];
      it(`${action} from ${state}: ${to ? `-> ${to}, one entry` : "refused (machine_state), nothing changes"}`, async () => {
        const machine = await machineIn(state);
        const before = await snapshot(t.db);
        if (to === null) {
          const refused = await machineErrorOf(change(machine.id, action));
          expect(refused.code).toBe("machine_state");
          expect(refused.message).toContain(machine.name);
          expect(await snapshot(t.db)).toEqual(before);
          return;
        }
        const changed = await change(machine.id, action, { reason: "  ticket OPS-1  " });
        expect(changed).toMatchObject({ status: to, activation: null, statusReason: "ticket OPS-1" });
        if (to === "active") expect(changed.activatedAt).not.toBeNull();
        const entries = await entriesOf(t.db, { seq: { gte: before.audit } });
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({
          type: MACHINE_EVENTS[({ confirm: "confirmed", suspend: "suspended", resume: "resumed", revoke: "revoked" } as const)[action]],
          actor: OPERATOR,
          subjects: { machine: machine.id },
          evidence: { machineId: machine.id, keyId: machine.keyId, from: machine.status, to, reason: "ticket OPS-1" },
        });
        expect(entries[0]!.summary).toContain("ticket OPS-1");
      });
    }
  }

  it("an unknown machine id: not_found", async () => {
    expect((await machineErrorOf(change("no-such-machine", "suspend"))).code).toBe("not_found");
  });
});

describe("reasons and fingerprints", () => {
  it.each(["suspend", "revoke"] as const)("%s needs a reason: missing, blank, too long or with control characters is refused", async (action) => {
    const { machine } = await registered();
    const before = await snapshot(t.db);
    for (const input of [{}, { reason: "" }, { reason: "   " }, { reason: "x".repeat(501) }, { reason: "a\u0000b" }, { reason: 42 }]) {
      expect((await machineErrorOf(change(machine.id, action, input))).code, JSON.stringify(input)).toBe("field_invalid");
    }
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("resume needs a reason too", async () => {
    const machine = await machineIn("suspended");
    expect((await machineErrorOf(change(machine.id, "resume", {}))).code).toBe("field_invalid");
    expect((await findMachineById(t.db, machine.id))!.status).toBe("suspended");
  });

  it("confirm needs no reason; a multi-line reason is kept", async () => {
    const a = await machineIn("pending/confirm");
    expect((await change(a.id, "confirm", {})).status).toBe("active");
    const b = await machineIn("active");
    expect((await change(b.id, "suspend", { reason: "line one\nline two" })).statusReason).toBe("line one\nline two");
  });

  it("confirm with a fingerprint that is not the key's is refused, and the machine stays pending", async () => {
    const { machine: pending } = await enrolledPending();
    const other = await generateKeyPair(nodeEd25519);
    const { machine: decoy } = await registered();
    const before = await snapshot(t.db);
    for (const fingerprint of [decoy.fingerprint, "SHA256:" + other.publicKey.keyId.slice(0, 16), "", 42, pending.fingerprint.slice(0, -1)]) {
      const refused = await machineErrorOf(change(pending.id, "confirm", { fingerprint }));
      expect(refused.code, JSON.stringify(fingerprint)).toBe("machine_state");
      expect(refused.message).toMatch(/not activated/);
    }
    expect(await snapshot(t.db)).toEqual(before);
    expect((await findMachineById(t.db, pending.id))!.status).toBe("pending");
    // The right fingerprint, as a person might paste it (no prefix, other spacing), confirms.
    const pasted = pending.fingerprint.replace(/^SHA256:/, "").replace(/ /g, "  ");
    expect((await change(pending.id, "confirm", { fingerprint: pasted })).status).toBe("active");
  });

  it("revocation is permanent: nothing brings a revoked machine back, and it cannot be deleted", async () => {
    const { machine } = await registered();
    await change(machine.id, "revoke");
    const before = await snapshot(t.db);
    for (const action of ["resume", "confirm", "suspend", "revoke"] as const) {
      expect((await machineErrorOf(change(machine.id, action))).code).toBe("machine_state");
    }
    // The database itself refuses (a trigger), whoever asks.
    await expect(t.db.$executeRaw`DELETE FROM "Machine" WHERE "id" = ${machine.id}`).rejects.toThrow(/never deleted/);
    await expect(t.db.machine.delete({ where: { id: machine.id } })).rejects.toThrow();
    await expect(t.db.machine.deleteMany({})).rejects.toThrow();
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("suspend then resume never skips activation: a never-activated machine resumes as pending, with the same activation", async () => {
    const confirmPending = await enrolledPending();
    await change(confirmPending.machine.id, "suspend");
    const resumed = await change(confirmPending.machine.id, "resume");
    expect([resumed.status, resumed.activation]).toEqual(["pending", "confirm"]);
    expect(await authOn(t.db, confirmPending.key)).toBe("key_pending");

    const proofPending = await registered("proof");
    await change(proofPending.machine.id, "suspend");
    expect([(await change(proofPending.machine.id, "resume")).status, (await findMachineById(t.db, proofPending.machine.id))?.activation]).toEqual(["pending", "proof"]);

    const active = await registered();
    await change(active.machine.id, "suspend");
    expect((await change(active.machine.id, "resume")).status).toBe("active");
  });

  it("two operators suspending at once: one wins, the other is told the machine's state", async () => {
    const { machine } = await registered();
    const results = await Promise.allSettled([change(machine.id, "suspend", { reason: "a" }), change(machine.id, "suspend", { reason: "b" })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.suspended, subjects: { contains: machine.id } } })).toBe(1);
  });
});

describe("authentication follows every change on the very next request", () => {
  it("pending -> key_pending; confirmed -> ok; suspended -> key_suspended; resumed -> ok; revoked -> key_revoked, on both instances", async () => {
    const { key, machine } = await enrolledPending();
    expect(await authOn(t.db, key)).toBe("key_pending");
    expect(await authOn(t.second, key)).toBe("key_pending");
    // The refused request burned no nonce and wrote no entry.
    expect(await t.db.auditEntry.count({ where: { type: "machine.request", actorId: key.publicKey.keyId } })).toBe(0);

    const steps: [MachineAction, string, string][] = [
      ["confirm", "ok", MACHINE_EVENTS.confirmed],
      ["suspend", "key_suspended", MACHINE_EVENTS.suspended],
      ["resume", "ok", MACHINE_EVENTS.resumed],
      ["revoke", "key_revoked", MACHINE_EVENTS.revoked],
    ];
    for (const [action, expected, event] of steps) {
      // Both instances have just accepted (or refused) a request: the key may be remembered.
      const before = await t.db.auditEntry.count();
      // The change is made through the second instance; the first must see it at once.
      await change(machine.id, action, action === "confirm" ? { fingerprint: machine.fingerprint } : { reason: `${action} now` }, t.second);
      const entries = await entriesOf(t.db, { seq: { gte: before } });
      expect(entries.map((e) => [e.type, e.actor.id])).toEqual([[event, OPERATOR.id]]);
      expect(await authOn(t.db, key), `${action} on the first instance`).toBe(expected);
      expect(await authOn(t.second, key), `${action} on the second instance`).toBe(expected);
    }
  });

  it("a confirm-pending machine's correctly signed request does not activate it", async () => {
    const { key, machine } = await enrolledPending();
    for (let i = 0; i < 2; i++) expect(await authOn(t.db, key)).toBe("key_pending");
    expect((await findMachineById(t.db, machine.id))!.status).toBe("pending");
    expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.activated, subjects: { contains: machine.id } } })).toBe(0);
  });
});

describe("a registered key proves possession with its first signed request", () => {
  it("is pending (activation proof); a forged request does not activate it; the first good one does, its activation entry first", async () => {
    const { key, machine } = await registered("proof");
    expect(machine).toMatchObject({ status: "pending", activation: "proof", activatedAt: null });

    const forged = (await signedRequest(key, { sign: { now: () => Date.now() / 1000 } })).make({ headers: { signature: `sig1=:${Buffer.alloc(64, 9).toString("base64")}:` } });
    expect(verdict(await authenticateMachineRequest(forged, testDeps(t.db, t.config, { now: Date.now })))).toBe("signature_invalid");
    // Signed by another key under this keyid: also forged.
    const impostor = await generateKeyPair(nodeEd25519);
    const byImpostor = (await signedRequest(impostor, { sign: { keyId: key.publicKey.keyId, now: () => Date.now() / 1000 } })).make();
    expect(verdict(await authenticateMachineRequest(byImpostor, testDeps(t.db, t.config, { now: Date.now })))).toBe("signature_invalid");
    expect((await findMachineById(t.db, machine.id))!.status).toBe("pending");
    expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.activated, subjects: { contains: machine.id } } })).toBe(0);

    const before = await t.db.auditEntry.count();
    const auth = await authenticateMachineRequest((await signedRequest(key, { sign: { now: () => Date.now() / 1000 } })).make(), testDeps(t.db, t.config, { now: Date.now }));
    expect(auth.ok).toBe(true);
    expect(auth.ok && auth.machine.status).toBe("active");
    const stored = (await findMachineById(t.db, machine.id))!;
    expect(stored).toMatchObject({ status: "active", activation: null });
    expect(stored.activatedAt).not.toBeNull();
    const entries = await entriesOf(t.db, { seq: { gte: before } });
    expect(entries.map((e) => e.type)).toEqual([MACHINE_EVENTS.activated, "machine.request"]);
    expect(entries[0]).toMatchObject({ actor: { type: "machine", id: key.publicKey.keyId }, subjects: { machine: machine.id }, evidence: { from: "pending", to: "active" } });
    expect(auth.ok && auth.auditSeq).toBe(entries[1]!.seq);

    // Later requests: no second activation.
    expect(await authOn(t.second, key)).toBe("ok");
    expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.activated, subjects: { contains: machine.id } } })).toBe(1);
  });

  it("a proof-pending machine suspended before it signs is refused, and not activated", async () => {
    const { key, machine } = await registered("proof");
    await change(machine.id, "suspend", { reason: "hold" });
    expect(await authOn(t.db, key)).toBe("key_suspended");
    expect((await findMachineById(t.db, machine.id))!.status).toBe("suspended");
  });

  it("an operator can confirm a proof-pending machine instead", async () => {
    const { key, machine } = await registered("proof");
    await change(machine.id, "confirm", { fingerprint: machine.fingerprint });
    expect(await authOn(t.db, key)).toBe("ok");
    expect(await t.db.auditEntry.count({ where: { type: MACHINE_EVENTS.activated, subjects: { contains: machine.id } } })).toBe(0);
  });
});

describe("machine permissions", () => {
  const setPerms = (id: string, raw: unknown) => writeTransaction(t.db, (tx) => setMachinePermissions(tx, OPERATOR, id, raw));

  it("unknown names and non-lists are refused (permission_invalid) and change nothing", async () => {
    const { machine } = await registered();
    const before = await snapshot(t.db);
    for (const raw of [["root"], ["audit.read", "audit.write"], ["machines.write"], "audit.read", { 0: "audit.read" }, [null], [["audit.read"]]]) {
      expect((await machineErrorOf(setPerms(machine.id, raw))).code, JSON.stringify(raw)).toBe("permission_invalid");
    }
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("are stored in catalog order without duplicates, and each change is one entry with before and after", async () => {
    const { machine } = await registered();
    expect(machine.permissions).toEqual([]);
    const before = await t.db.auditEntry.count();
    const changed = await setPerms(machine.id, ["audit.read", "machines.enroll", "audit.read"]);
    expect(changed.permissions).toEqual(["machines.enroll", "audit.read"]);
    expect(JSON.parse((await t.db.machine.findUniqueOrThrow({ where: { id: machine.id } })).permissions)).toEqual(["machines.enroll", "audit.read"]);
    const entries = await entriesOf(t.db, { seq: { gte: before } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: MACHINE_EVENTS.permissionsChanged, actor: OPERATOR, subjects: { machine: machine.id }, evidence: { before: [], after: ["machines.enroll", "audit.read"] } });

    // The same set in another order is no change: no entry.
    await setPerms(machine.id, ["audit.read", "machines.enroll"]);
    expect(await t.db.auditEntry.count()).toBe(before + 1);

    // Down to none.
    expect((await setPerms(machine.id, [])).permissions).toEqual([]);
    const last = await entriesOf(t.db, { seq: { gte: before + 1 } });
    expect(last[0]!.evidence).toMatchObject({ before: ["machines.enroll", "audit.read"], after: [] });
  });

  it("a permission counts only while the machine is active", async () => {
    const { machine } = await registered();
    const granted = await setPerms(machine.id, ["audit.read"]);
    expect(machineHasPermission(granted, "audit.read")).toBe(true);
    expect(machineHasPermission(granted, "machines.enroll")).toBe(false);
    const suspended = await change(machine.id, "suspend");
    expect(machineHasPermission(suspended, "audit.read")).toBe(false);
  });

  it("a revoked machine's permissions can no longer change", async () => {
    const { machine } = await registered();
    await setPerms(machine.id, ["audit.read"]);
    await change(machine.id, "revoke");
    const before = await snapshot(t.db);
    for (const raw of [[], ["machines.enroll"]]) expect((await machineErrorOf(setPerms(machine.id, raw))).code).toBe("machine_state");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("an unknown machine: not_found", async () => {
    expect((await machineErrorOf(setPerms("nope", ["audit.read"]))).code).toBe("not_found");
  });
});
