/**
 * POST /api/v1/verify through the real route handlers of a throwaway Console host: the
 * machine's execution request is signed as a machine signs it, and forwarded by a resource
 * service that is itself an enrolled machine holding intents.verify for the audience.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { changeMachineStatus } from "@/lib/machines/lifecycle";
import { rekeyMachine } from "@/lib/machines/rekey";
import { encodeProof, keyChangeMessage, keyChangeStatement } from "@/lib/machines/wire";
import { createContentDigest } from "@/lib/protocol/digest";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { base64Decode, utf8Encode } from "@/lib/protocol/encoding";
import { generateKeyPair } from "@/lib/protocol/keys";
import { INTENT_EVENTS } from "@/lib/intents/events";
import { enroll, problemOf, type Enrolled } from "../auth/helpers";
import { ORIGIN, type TestHost } from "../operators/helpers/host";
import { ACTOR, AUDIENCE, auditOf } from "./helpers";
import { callVerify, executeOnce, executionRequest, forward, grantVerifier, paymentsScene, submitTransfer, TRANSFER, verifyAnswer } from "./verify-helpers";

let host: TestHost;
let owner: Enrolled;
let other: Enrolled;
let service: Enrolled;

beforeAll(async () => {
  ({ host, owner, other, service } = await paymentsScene(1));
});
afterAll(() => host.close());

const entriesAbout = async (type: string, intentId: string) => (await auditOf(host.db, type)).filter((e) => e.evidence.intentId === intentId);

describe("allow, once", () => {
  it("allows the committed request once, marks the intent executed, and refuses the same request again", async () => {
    const intent = await submitTransfer(owner, "once");
    expect(intent.status).toBe("allowed");
    const request = await executionRequest(owner.key, intent.id);
    const first = await verifyAnswer(service, forward(request, request.body));
    expect(first).toMatchObject({
      decision: "allow",
      reason: "allowed",
      intent: { id: intent.id, hash: intent.hash, action: "payments.transfer", resource: "accounts/42/payouts", params: { amount: 5000, currency: "EUR" }, machineId: owner.machine.id },
    });

    const row = await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } });
    expect(row).toMatchObject({ status: "executed", executedBy: service.machine.id, executionSeq: first.auditSeq });
    expect(row.executedAt).toBeInstanceOf(Date);

    const again = await verifyAnswer(service, forward(request, request.body));
    expect(again).toMatchObject({ decision: "deny", reason: "intent_executed", intent: { id: intent.id } });
    expect(await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } })).toMatchObject({ executionSeq: first.auditSeq });
  });

  it("records intent.executed with the signed request: the signature verifies offline over the kept signature base", async () => {
    const intent = await submitTransfer(owner, "evidence");
    const answer = await executeOnce(service, owner, intent.id);
    const [entry] = await entriesAbout(INTENT_EVENTS.executed, intent.id);
    expect(entry).toBeDefined();
    expect(entry!.seq).toBe(answer.auditSeq);
    expect(entry!.actor).toEqual({ type: "machine", id: service.key.publicKey.keyId });
    expect(entry!.subjects).toEqual({ machine: owner.machine.id, intent: intent.id });
    const evidence = entry!.evidence as Record<string, unknown> & { request: { signatureBase: string; signature: string; keyId: string; components: string[]; contentDigest: string } };
    expect(evidence).toMatchObject({ hash: intent.hash, verifierMachineId: service.machine.id, previousStatus: "allowed", approvals: [], bodyDigest: createContentDigest(TRANSFER) });
    expect(evidence.request.keyId).toBe(owner.key.publicKey.keyId);
    expect(evidence.request.components).toContain("pteri-intent");
    expect(evidence.request.signatureBase).toContain(`"pteri-intent": ${intent.id}`);
    expect(await nodeEd25519.verify(owner.key.publicKey.raw, utf8Encode(evidence.request.signatureBase), base64Decode(evidence.request.signature))).toBe(true);
  });

  it("an approved intent executes; its approvals are named in the evidence", async () => {
    const intent = await submitTransfer(owner, "approved", { action: "payments.large" });
    expect(intent.status).toBe("pending");
    await host.db.intent.update({ where: { id: intent.id }, data: { status: "approved" } }); // as the last approval would
    expect(await executeOnce(service, owner, intent.id)).toMatchObject({ decision: "allow" });
    expect((await entriesAbout(INTENT_EVENTS.executed, intent.id))[0]!.evidence).toMatchObject({ previousStatus: "approved" });
  });
});

describe("the request must be exactly the committed one", () => {
  it("a changed body, method or target is refused, names what differs, and leaves the intent executable", async () => {
    const intent = await submitTransfer(owner, "mismatch");
    const changedBody = TRANSFER.replace("5000", "500000");
    expect(await executeOnce(service, owner, intent.id, { body: changedBody })).toMatchObject({ decision: "deny", reason: "request_mismatch", mismatch: "digest" });
    expect(await executeOnce(service, owner, intent.id, { method: "PUT" })).toMatchObject({ reason: "request_mismatch", mismatch: "method" });
    expect(await executeOnce(service, owner, intent.id, { url: `${AUDIENCE}/payments/transfer?to=elsewhere` })).toMatchObject({ reason: "request_mismatch", mismatch: "target" });
    expect(await executeOnce(service, owner, intent.id, { body: null })).toMatchObject({ reason: "request_mismatch", mismatch: "digest" });
    expect((await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("allowed");
    expect(await executeOnce(service, owner, intent.id)).toMatchObject({ decision: "allow" });
  });

  it("a body changed in transit with its Content-Digest header left alone is refused (the service's own digest differs)", async () => {
    const intent = await submitTransfer(owner, "transit");
    const request = await executionRequest(owner.key, intent.id);
    const answer = await verifyAnswer(service, forward(request, TRANSFER.replace("EUR", "USD")));
    expect(answer).toMatchObject({ decision: "deny", reason: "body_mismatch" });
    // The service saw no body at all while the header claims one.
    expect(await verifyAnswer(service, forward(request, null))).toMatchObject({ reason: "body_mismatch" });
    expect((await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("allowed");
  });

  it("the target as the service saw it must be the signed one: a forwarded target differing from the signature is signature_invalid", async () => {
    const intent = await submitTransfer(owner, "target-forged");
    const request = await executionRequest(owner.key, intent.id);
    const answer = await verifyAnswer(service, forward({ ...request, url: `${AUDIENCE}/payments/other` }, request.body));
    expect(answer).toMatchObject({ decision: "deny", reason: "signature_invalid", intent: null });
  });
});

describe("who signed it", () => {
  it("signed by another machine: intent_unknown (another machine's intent is never revealed)", async () => {
    const intent = await submitTransfer(owner, "foreign");
    const request = await executionRequest(other.key, intent.id);
    expect(await verifyAnswer(service, forward(request, request.body))).toMatchObject({ decision: "deny", reason: "intent_unknown", intent: null });
  });

  it("a tampered signature is signature_invalid; a keyid nobody has is key_unknown", async () => {
    const intent = await submitTransfer(owner, "tampered");
    const request = await executionRequest(owner.key, intent.id);
    const sig = request.headers.signature!;
    const flipped = sig.replace(/:(.)/, (_, c: string) => `:${c === "A" ? "B" : "A"}`);
    expect(await verifyAnswer(service, forward({ ...request, headers: { ...request.headers, signature: flipped } }, request.body))).toMatchObject({ reason: "signature_invalid" });
    const stranger = await generateKeyPair(nodeEd25519);
    const unknown = await executionRequest(stranger, intent.id);
    expect(await verifyAnswer(service, forward(unknown, unknown.body))).toMatchObject({ reason: "key_unknown" });
    expect(await executeOnce(service, owner, intent.id)).toMatchObject({ decision: "allow" });
  });

  it("signed with the owner's retired key (after pteri rekey): key_revoked", async () => {
    const rekeyed = await enroll(host.db, "rekeyed-payer");
    const intent = await submitTransfer(rekeyed, "retired");
    const old = rekeyed.key;
    const next = await generateKeyPair(nodeEd25519);
    const proof = await nodeEd25519.sign(next.seed, keyChangeMessage(keyChangeStatement(ORIGIN, old.publicKey.keyId, next.publicKey.keyId)));
    await rekeyMachine(host.db, {
      machine: rekeyed.machine,
      body: utf8Encode(JSON.stringify({ publicKey: next.publicKey.jwk, proof: encodeProof(proof) })),
      publicUrl: new URL(ORIGIN),
      requestSeq: 0,
      backend: nodeEd25519,
      now: new Date(),
    });
    const request = await executionRequest(old, intent.id);
    expect(await verifyAnswer(service, forward(request, request.body))).toMatchObject({ decision: "deny", reason: "key_revoked" });
    // The current key executes it.
    expect(await executeOnce(service, { ...rekeyed, key: next }, intent.id)).toMatchObject({ decision: "allow" });
  });

  it("the owner suspended: machine_inactive; resumed: allowed", async () => {
    const suspended = await enroll(host.db, "suspended-payer");
    const intent = await submitTransfer(suspended, "suspended");
    await writeTransaction(host.db, (tx) => changeMachineStatus(tx, ACTOR, suspended.machine.id, "suspend", { reason: "incident" }));
    expect(await executeOnce(service, suspended, intent.id)).toMatchObject({ decision: "deny", reason: "machine_inactive" });
    await writeTransaction(host.db, (tx) => changeMachineStatus(tx, ACTOR, suspended.machine.id, "resume", { reason: "resolved" }));
    expect(await executeOnce(service, suspended, intent.id)).toMatchObject({ decision: "allow" });
  });

  it("the signature must cover pteri-intent, name an intent, and be fresh", async () => {
    const intent = await submitTransfer(owner, "coverage");
    const uncovered = await executionRequest(owner.key, intent.id, { coverIntent: false });
    expect(await verifyAnswer(service, forward(uncovered, uncovered.body))).toMatchObject({ reason: "components_missing" });
    const unnamed = await executionRequest(owner.key, null);
    expect(await verifyAnswer(service, forward(unnamed, unnamed.body))).toMatchObject({ reason: "intent_missing", intent: null });
    const old = Math.floor(Date.now() / 1000) - 600;
    const stale = await executionRequest(owner.key, intent.id, { sign: { now: () => old } });
    expect(await verifyAnswer(service, forward(stale, stale.body))).toMatchObject({ reason: "signature_expired" });
    expect((await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("allowed");
  });
});

describe("the intent's state", () => {
  it("pending, denied and rejected intents cannot execute; an expired one is expired (lazily)", async () => {
    const pending = await submitTransfer(owner, "state-pending", { action: "payments.large" });
    expect(await executeOnce(service, owner, pending.id)).toMatchObject({ decision: "deny", reason: "intent_not_approved", intent: { id: pending.id } });

    const denied = await submitTransfer(owner, "state-denied", { action: "payments.forbidden" });
    expect(denied.status).toBe("denied");
    expect(await executeOnce(service, owner, denied.id)).toMatchObject({ reason: "intent_not_approved" });

    const rejected = await submitTransfer(owner, "state-rejected", { action: "payments.large" });
    await host.db.intent.update({ where: { id: rejected.id }, data: { status: "rejected" } });
    expect(await executeOnce(service, owner, rejected.id)).toMatchObject({ reason: "intent_not_approved" });

    const expired = await submitTransfer(owner, "state-expired");
    await host.db.intent.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await executeOnce(service, owner, expired.id)).toMatchObject({ reason: "intent_expired" });
    expect((await host.db.intent.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("expired");
    expect(await entriesAbout(INTENT_EVENTS.expired, expired.id)).toHaveLength(1);
    for (const id of [pending.id, denied.id, rejected.id, expired.id]) expect(await entriesAbout(INTENT_EVENTS.executed, id)).toEqual([]);
  });
});

describe("the resource service", () => {
  it("without intents.verify: 403 machine_permission_missing, nothing recorded about the intent", async () => {
    const intent = await submitTransfer(owner, "no-permission");
    const request = await executionRequest(owner.key, intent.id);
    const response = await callVerify(other, forward(request, request.body));
    expect((await problemOf(response)).body).toMatchObject({ status: 403, code: "machine_permission_missing" });
    expect(await entriesAbout(INTENT_EVENTS.executionRefused, intent.id)).toEqual([]);
    expect((await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } })).status).toBe("allowed");
  });

  it("not granted the intent's audience: audience_not_allowed, and the intent is not shown", async () => {
    const elsewhere = await enroll(host.db, "other-service");
    await grantVerifier(host.db, elsewhere.machine.id, ["https://other.example"]);
    const intent = await submitTransfer(owner, "audience");
    const request = await executionRequest(owner.key, intent.id);
    expect(await verifyAnswer(elsewhere, forward(request, request.body))).toMatchObject({ decision: "deny", reason: "audience_not_allowed", intent: null });
    // Granting the audience (normalized: a trailing slash is the same audience) lets it verify.
    await grantVerifier(host.db, elsewhere.machine.id, ["https://other.example", `${AUDIENCE}/`]);
    expect(await verifyAnswer(elsewhere, forward(request, request.body))).toMatchObject({ decision: "allow" });
  });

  it("every refusal is recorded with its reason; bad input is a 400 that records nothing", async () => {
    const intent = await submitTransfer(owner, "recorded");
    const denied = await executeOnce(service, owner, intent.id, { method: "DELETE", body: null });
    const [entry] = await entriesAbout(INTENT_EVENTS.executionRefused, intent.id);
    expect(entry).toMatchObject({ seq: denied.auditSeq, subjects: { machine: owner.machine.id, intent: intent.id }, evidence: { reason: "request_mismatch", mismatch: "method", verifierMachineId: service.machine.id } });

    const before = await host.db.auditEntry.count({ where: { type: { in: [INTENT_EVENTS.executionRefused, INTENT_EVENTS.executed] } } });
    const request = await executionRequest(owner.key, intent.id);
    for (const bad of ["not json", "[]", JSON.stringify({ request: { method: "POST", targetUri: "/relative", headers: {} }, bodyDigest: null }), JSON.stringify({ ...forward(request, request.body), extra: 1 }), JSON.stringify({ ...forward(request, request.body), bodyDigest: "md5=abc" })]) {
      const p = await problemOf(await callVerify(service, bad));
      expect(p.status).toBe(400);
      expect(p.body.code).toBe("body_invalid");
    }
    expect(await host.db.auditEntry.count({ where: { type: { in: [INTENT_EVENTS.executionRefused, INTENT_EVENTS.executed] } } })).toBe(before);
  });
});

describe("concurrency", () => {
  it("20 concurrent verifications of one intent: exactly one allow", async () => {
    const intent = await submitTransfer(owner, "concurrent");
    const request = await executionRequest(owner.key, intent.id);
    const answers = await Promise.all(Array.from({ length: 20 }, () => verifyAnswer(service, forward(request, request.body))));
    expect(answers.filter((a) => a.decision === "allow")).toHaveLength(1);
    expect(answers.filter((a) => a.reason === "intent_executed")).toHaveLength(19);
    expect(await entriesAbout(INTENT_EVENTS.executed, intent.id)).toHaveLength(1);
  });
});

describe("granting audiences", () => {
  it("normalizes, refuses bad URLs and more than 20, clears them without intents.verify, and audits the change", async () => {
    const svc = await enroll(host.db, "grant-target");
    await grantVerifier(host.db, svc.machine.id, ["HTTPS://Pay.Example/", "https://pay.example", "https://pay.example/v2"]);
    expect((await host.db.machine.findUniqueOrThrow({ where: { id: svc.machine.id } })).verifyAudiences).toBe(JSON.stringify(["https://pay.example", "https://pay.example/v2"]));
    const [entry] = (await auditOf(host.db, "machine.permissions_changed")).filter((e) => e.subjects.machine === svc.machine.id);
    expect(entry!.evidence).toMatchObject({ after: ["intents.verify"], verifyAudiences: { before: [], after: ["https://pay.example", "https://pay.example/v2"] } });
    for (const bad of [["https://user:pw@pay.example"], ["https://pay.example/#x"], ["ftp://pay.example"], ["/relative"], Array.from({ length: 21 }, (_, i) => `https://s${i}.example`)]) {
      await expect(grantVerifier(host.db, svc.machine.id, bad)).rejects.toMatchObject({ code: "permission_invalid" });
    }
    await grantVerifier(host.db, svc.machine.id, ["https://pay.example"], ["audit.read"]);
    expect((await host.db.machine.findUniqueOrThrow({ where: { id: svc.machine.id } })).verifyAudiences).toBe("[]");
  });
});
