/**
 * Approvals end to end through the route handlers of a throwaway Console host: machines submit
 * signed intents, operators sign decisions with software passkeys (the server's WebAuthn
 * verification runs for real), and the machine reads the outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeDecision } from "@/lib/approvals/decide";
import { APPROVAL_EVENTS } from "@/lib/approvals/events";
import { verifyApprovalAssertion, type AssertionEvidence, type PasskeyKey } from "@/lib/approvals/statement";
import type { ApprovalChallenge, ApprovalDecisionResult, ApprovalStatement } from "@/lib/approvals/wire";
import { exportAuditLog, resolveExportRange } from "@/lib/audit/export";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { recordAuditEvent } from "@/lib/audit/log";
import { verifyExport } from "@/lib/audit/verify-export";
import { approvalEntryFailure } from "@/lib/audit/verify-signatures";
import { loadConfig } from "@/lib/config/env";
import { writeTransaction } from "@/lib/db/transaction";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { setOperatorStatus } from "@/lib/operators/management";
import { webContext } from "@/lib/session/context";
import { enroll, type Enrolled } from "../auth/helpers";
import { rejectionOf } from "../helpers/rejection";
import { auditOf, policyDoc, publish, rule } from "../intents/helpers";
import { ORIGIN, startTestHost, type TestHost } from "../operators/helpers/host";
import { ApprovalError } from "@/lib/approvals/errors";
import { answerPrompt, APPROVE, decide, detail, machineView, openPrompt, person, problem, queue, REJECT, signedPrompt, submit, team, type Person } from "./helpers";

let host: TestHost;
let machine: Enrolled;
let olgasMachine: Enrolled;
let alicesMachine: Enrolled;
const people: Record<string, Person> = {};

beforeAll(async () => {
  host = await startTestHost();
  const db = host.db;
  await publish(
    db,
    policyDoc("Approvals", [
      rule({ id: "two", actions: ["pay.two"], resources: ["**"], approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 600, executionWindowSeconds: 900 } }),
      rule({ id: "one", actions: ["pay.one"], resources: ["**"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } }),
      rule({ id: "team", actions: ["pay.team"], resources: ["**"], approval: { requirements: [{ approvers: 1, team: "security" }], expiresInSeconds: 600 } }),
      rule({ id: "owner-ok", actions: ["pay.owner"], resources: ["**"], approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600, allowOwnerApproval: true } }),
    ]),
  );
  for (const [name, roles, alg] of [
    ["Alice", ["approver"], "Ed25519"],
    ["Bob", ["approver"], "P-256"],
    ["Carol", ["approver"], "Ed25519"],
    ["Olga", ["approver"], "Ed25519"],
    ["Dave", ["approver"], "Ed25519"],
    ["Erin", ["approver"], "Ed25519"],
    ["Ed", ["editor"], "Ed25519"],
    ["Audrey", ["auditor"], "Ed25519"],
    ["Adam", ["admin"], "Ed25519"],
  ] as const) {
    people[name] = await person(db, name, [...roles], alg);
  }
  await team(db, "security", [people.Carol!]);
  machine = await enroll(db, "payments-worker");
  olgasMachine = await enroll(db, "olgas-box");
  alicesMachine = await enroll(db, "alices-box");
  // Owned by name, in other letter case; and enrolled by Alice herself.
  await db.machine.update({ where: { id: olgasMachine.machine.id }, data: { owner: "olga" } });
  await db.machine.update({ where: { id: alicesMachine.machine.id }, data: { enrolledByType: "operator", enrolledById: people.Alice!.id } });
}, 120_000);
afterAll(() => host.close());

const P = (name: string) => people[name]!;
const result = async (r: Response) => (await r.json()) as ApprovalDecisionResult;

async function entriesFor(type: string, intentId: string) {
  return (await auditOf(host.db, type)).filter((e) => e.subjects.intent === intentId);
}

describe("N-of-M approval", () => {
  it("2 of 2: pending after the first, approved after the second, executable for the window from the last approval", async () => {
    const intent = await submit(machine, "pay.two");
    expect(intent).toMatchObject({ status: "pending", approvals: { required: 2, received: 0 } });

    const first = await decide(P("Alice"), intent.id, APPROVE);
    expect(first.status).toBe(201);
    expect((await result(first)).intent.status).toBe("pending");
    expect(await machineView(machine, intent.id)).toMatchObject({ status: "pending", approvals: { required: 2, received: 1 } });

    const before = Date.now();
    const second = await decide(P("Bob"), intent.id, APPROVE);
    const after = Date.now();
    expect(second.status).toBe(201);
    const decided = await result(second);
    expect(decided.intent.status).toBe("approved");
    const expiresAt = Date.parse(decided.intent.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(expiresAt).toBeLessThanOrEqual(after + 900_000);
    expect(decided.approval).toMatchObject({ operatorId: P("Bob").id, operatorName: "Bob", decision: "approve", passkey: { name: "Bob's key", credentialId: P("Bob").authenticator.id } });

    const seen = await machineView(machine, intent.id);
    expect(seen).toMatchObject({ status: "approved", approvals: { required: 2, received: 2 }, expiresAt: decided.intent.expiresAt });
    expect(await entriesFor(APPROVAL_EVENTS.approved, intent.id)).toHaveLength(2);
    const [approved] = await entriesFor(APPROVAL_EVENTS.intentApproved, intent.id);
    expect(approved!.evidence).toMatchObject({ status: "approved", previousStatus: "pending", executionWindowSeconds: 900, expiresAt: decided.intent.expiresAt });
  });

  it("an approver may shorten the execution window (the shortest choice wins), never lengthen it", async () => {
    const intent = await submit(machine, "pay.two");
    const tooLong = await problem(await openPrompt(P("Alice"), intent.id, { ...APPROVE, executionWindowSeconds: 901 }));
    expect(tooLong).toMatchObject({ status: 400, code: "body_invalid" });
    expect(tooLong.detail).toContain("1 to 900 seconds");
    expect((await openPrompt(P("Alice"), intent.id, { ...APPROVE, executionWindowSeconds: 0 })).status).toBe(400);
    expect((await openPrompt(P("Alice"), intent.id, { ...REJECT, executionWindowSeconds: 60 })).status).toBe(400);

    expect((await decide(P("Alice"), intent.id, { ...APPROVE, executionWindowSeconds: 120 })).status).toBe(201);
    const before = Date.now();
    const decided = await result(await decide(P("Bob"), intent.id, APPROVE));
    const after = Date.now();
    expect(decided.intent.status).toBe("approved");
    expect(Date.parse(decided.intent.expiresAt)).toBeGreaterThanOrEqual(before + 120_000);
    expect(Date.parse(decided.intent.expiresAt)).toBeLessThanOrEqual(after + 120_000);
    const row = await host.db.intent.findUniqueOrThrow({ where: { id: intent.id } });
    expect(row.executionWindowSeconds).toBe(120);
  });

  it("one rejection ends the intent; a later approval is refused", async () => {
    const intent = await submit(machine, "pay.two");
    expect((await decide(P("Alice"), intent.id, APPROVE)).status).toBe(201);
    expect(await problem(await openPrompt(P("Bob"), intent.id, { decision: "reject", reason: "  " }))).toMatchObject({ status: 400 });
    const rejected = await result(await decide(P("Bob"), intent.id, REJECT));
    expect(rejected.intent.status).toBe("rejected");
    const late = await problem(await decide(P("Carol"), intent.id, APPROVE));
    expect(late).toMatchObject({ status: 409, code: "not_pending" });
    expect(late.detail).toContain("rejected");
    expect(await machineView(machine, intent.id)).toMatchObject({ status: "rejected" });
    const [entry] = await entriesFor(APPROVAL_EVENTS.intentRejected, intent.id);
    expect(entry!.evidence).toMatchObject({ status: "rejected", previousStatus: "pending" });
    expect(await host.db.approval.count({ where: { intentId: intent.id } })).toBe(2);
  });

  it("each operator decides once: a second decision is refused, also from a prompt opened before the first was used", async () => {
    const intent = await submit(machine, "pay.two");
    // Opened while Alice had not decided yet; signed (by the authenticator, counter moving on) after she had.
    const early = (await (await openPrompt(P("Alice"), intent.id, APPROVE)).json()) as ApprovalChallenge;
    expect((await decide(P("Alice"), intent.id, APPROVE)).status).toBe(201);
    expect(await problem(await openPrompt(P("Alice"), intent.id, APPROVE))).toMatchObject({ status: 409, code: "already_decided" });
    const late = P("Alice").authenticator.assert(early.options);
    expect(await problem(await answerPrompt(P("Alice"), intent.id, early.options.challenge, late))).toMatchObject({ status: 409, code: "already_decided" });
    expect(await host.db.approval.count({ where: { intentId: intent.id } })).toBe(1);
    expect((await machineView(machine, intent.id)).status).toBe("pending");
  });

  it("two approvers deciding at the same moment are both counted", async () => {
    const intent = await submit(machine, "pay.two");
    const [a, b] = await Promise.all([signedPrompt(P("Alice"), intent.id, APPROVE), signedPrompt(P("Bob"), intent.id, APPROVE)]);
    const answers = await Promise.all([
      answerPrompt(P("Alice"), intent.id, a.challenge.options.challenge, a.response),
      answerPrompt(P("Bob"), intent.id, b.challenge.options.challenge, b.response),
    ]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    const statuses = await Promise.all(answers.map(async (r) => (await result(r)).intent.status));
    expect(statuses.sort()).toEqual(["approved", "pending"]);
    expect(await machineView(machine, intent.id)).toMatchObject({ status: "approved", approvals: { received: 2 } });
    expect(await entriesFor(APPROVAL_EVENTS.intentApproved, intent.id)).toHaveLength(1);
  });
});

describe("who may decide", () => {
  it("editor, auditor and admin without the approver role get 403, and nothing is recorded", async () => {
    const intent = await submit(machine, "pay.one");
    const before = await host.db.auditEntry.count();
    for (const name of ["Ed", "Audrey", "Adam"]) {
      expect(await problem(await openPrompt(P(name), intent.id, APPROVE)), name).toMatchObject({ status: 403, code: "forbidden" });
      expect(await problem(await answerPrompt(P(name), intent.id, "A".repeat(43), {})), name).toMatchObject({ status: 403, code: "forbidden" });
    }
    expect(await host.db.auditEntry.count()).toBe(before);
    // They may still read the queue; it tells them why they cannot decide.
    const seen = await detail(P("Audrey"), intent.id);
    expect(seen.viewer).toMatchObject({ canDecide: false, reason: expect.stringContaining("approver role") });
  });

  it("an operator never decides on an intent of a machine they own (by owner name, or having enrolled it)", async () => {
    const ownedByName = await submit(olgasMachine, "pay.one");
    const refused = await problem(await decide(P("Olga"), ownedByName.id, APPROVE));
    expect(refused).toMatchObject({ status: 403, code: "not_eligible" });
    expect(refused.detail).toContain("You own this intent's machine");
    expect((await problem(await decide(P("Olga"), ownedByName.id, REJECT))).code).toBe("not_eligible");
    expect((await detail(P("Olga"), ownedByName.id)).viewer).toMatchObject({ canDecide: false, reason: expect.stringContaining("own") });
    expect((await detail(P("Alice"), ownedByName.id)).viewer).toMatchObject({ canDecide: true, canApprove: true });

    const enrolledByAlice = await submit(alicesMachine, "pay.one");
    expect(await problem(await decide(P("Alice"), enrolledByAlice.id, APPROVE))).toMatchObject({ status: 403, code: "not_eligible" });
    expect(await host.db.approval.count({ where: { intentId: { in: [ownedByName.id, enrolledByAlice.id] } } })).toBe(0);
  });

  it("unless the rule allows it (allowOwnerApproval)", async () => {
    const intent = await submit(olgasMachine, "pay.owner");
    const decided = await result(await decide(P("Olga"), intent.id, APPROVE));
    expect(decided.intent.status).toBe("approved");
  });

  it("the team the obligation requires: an approver outside it is refused with what is missing; a member approves", async () => {
    const intent = await submit(machine, "pay.team");
    const outsider = await problem(await decide(P("Alice"), intent.id, APPROVE));
    expect(outsider).toEqual({ status: 403, code: "not_eligible", detail: "This intent still needs 1 approver from team security; you are not in it." });
    expect((await detail(P("Alice"), intent.id)).viewer).toMatchObject({ canDecide: true, canApprove: false, approveReason: outsider.detail });
    const member = await result(await decide(P("Carol"), intent.id, APPROVE));
    expect(member.intent.status).toBe("approved");
    expect((await detail(P("Carol"), intent.id)).obligation.requirements).toEqual([{ approvers: 1, team: "security", approvedBy: [{ operatorId: P("Carol").id, operatorName: "Carol" }] }]);
  });
});

describe("signed decisions cannot be replayed or reused", () => {
  it("an assertion made for intent A is refused for intent B, and for A once it was used", async () => {
    const a = await submit(machine, "pay.one");
    const b = await submit(machine, "pay.one");
    const forA = await signedPrompt(P("Alice"), a.id, APPROVE);
    const forB = await signedPrompt(P("Alice"), b.id, APPROVE);
    // A's assertion with B's prompt: it signs another challenge. B's prompt is used up.
    expect(await problem(await answerPrompt(P("Alice"), b.id, forB.challenge.options.challenge, forA.response))).toMatchObject({ status: 400, code: "assertion_invalid" });
    expect(await problem(await answerPrompt(P("Alice"), b.id, forB.challenge.options.challenge, forB.response))).toMatchObject({ status: 400, code: "challenge_invalid" });
    // A's assertion with A's prompt, sent to B: the prompt is bound to A.
    expect(await problem(await answerPrompt(P("Alice"), b.id, forA.challenge.options.challenge, forA.response))).toMatchObject({ status: 400, code: "challenge_invalid" });
    // Another operator sending Alice's prompt and assertion.
    expect(await problem(await answerPrompt(P("Bob"), a.id, forA.challenge.options.challenge, forA.response))).toMatchObject({ status: 400, code: "challenge_invalid" });
    expect(await host.db.approval.count({ where: { intentId: { in: [a.id, b.id] } } })).toBe(0);

    expect((await result(await answerPrompt(P("Alice"), a.id, forA.challenge.options.challenge, forA.response))).intent.status).toBe("approved");
    expect(await problem(await answerPrompt(P("Alice"), a.id, forA.challenge.options.challenge, forA.response))).toMatchObject({ status: 400, code: "challenge_invalid" });
    expect((await machineView(machine, b.id)).status).toBe("pending");
  });

  it("an operator disabled between the prompt and the answer is refused (their session ends, and the rules refuse them too)", async () => {
    const intent = await submit(machine, "pay.one");
    const prompt = await signedPrompt(P("Dave"), intent.id, APPROVE);
    await writeTransaction(host.db, (tx) => setOperatorStatus(tx, { type: "operator", id: P("Adam").id }, P("Dave").id, "disabled"));
    expect((await answerPrompt(P("Dave"), intent.id, prompt.challenge.options.challenge, prompt.response)).status).toBe(401);
    const session = { id: P("Dave").id, name: "Dave", roles: ["approver" as const], sessionId: "x" };
    const error = await rejectionOf(completeDecision(host.db, webContext().rp, session, intent.id, { challenge: prompt.challenge.options.challenge, response: prompt.response }), ApprovalError);
    expect(error.code).toBe("not_eligible");
    expect(error.message).toContain("disabled");
    expect(await host.db.approval.count({ where: { intentId: intent.id } })).toBe(0);
    expect((await machineView(machine, intent.id)).status).toBe("pending");
  });

  it("a passkey removed after the prompt was opened is refused, and the prompt is used up", async () => {
    const intent = await submit(machine, "pay.one");
    const prompt = await signedPrompt(P("Erin"), intent.id, APPROVE);
    await host.db.passkey.update({ where: { credentialId: P("Erin").authenticator.id }, data: { removedAt: new Date() } });
    expect(await problem(await answerPrompt(P("Erin"), intent.id, prompt.challenge.options.challenge, prompt.response))).toMatchObject({ status: 400, code: "assertion_invalid" });
    await host.db.passkey.update({ where: { credentialId: P("Erin").authenticator.id }, data: { removedAt: null } });
    expect(await problem(await answerPrompt(P("Erin"), intent.id, prompt.challenge.options.challenge, prompt.response))).toMatchObject({ code: "challenge_invalid" });
    expect(await host.db.approval.count({ where: { intentId: intent.id } })).toBe(0);
  });

  it("an intent past its deadline cannot be decided: not before the prompt, nor between prompt and answer", async () => {
    const late = await submit(machine, "pay.one");
    await host.db.intent.update({ where: { id: late.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await problem(await openPrompt(P("Alice"), late.id, APPROVE))).toMatchObject({ status: 409, code: "not_pending" });
    expect((await host.db.intent.findUniqueOrThrow({ where: { id: late.id } })).status).toBe("expired");
    expect(await entriesFor("intent.expired", late.id)).toHaveLength(1);

    const intent = await submit(machine, "pay.one");
    const prompt = await signedPrompt(P("Alice"), intent.id, APPROVE);
    await host.db.intent.update({ where: { id: intent.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await problem(await answerPrompt(P("Alice"), intent.id, prompt.challenge.options.challenge, prompt.response))).toMatchObject({ status: 409, code: "not_pending" });
    expect(await host.db.approval.count({ where: { intentId: intent.id } })).toBe(0);
    expect((await host.db.webAuthnChallenge.findUniqueOrThrow({ where: { challenge: prompt.challenge.options.challenge } })).usedAt).not.toBeNull();
  });

  it("the prompt offers only the operator's own active passkeys, with user verification required", async () => {
    const intent = await submit(machine, "pay.one");
    const { challenge } = await signedPrompt(P("Carol"), intent.id, { decision: "reject", reason: "no" });
    expect(challenge.options.userVerification).toBe("required");
    expect(challenge.options.allowCredentials?.map((c) => c.id)).toEqual([P("Carol").authenticator.id]);
    expect(challenge.statement).toMatchObject({ format: "pteri.approval/v1", origin: ORIGIN, intentId: intent.id, intentHash: intent.hash, decision: "reject", reason: "no", executionWindowSeconds: null, operatorId: P("Carol").id });
  });
});

describe("the audit trail", () => {
  it("each decision's entry carries the statement, assertion and public key, and verifies offline", async () => {
    const intent = await submit(machine, "pay.two");
    await decide(P("Alice"), intent.id, { ...APPROVE, executionWindowSeconds: 300 });
    await decide(P("Bob"), intent.id, APPROVE); // P-256
    const entries = await entriesFor(APPROVAL_EVENTS.approved, intent.id);
    expect(entries.map((e) => e.actor.id)).toEqual([P("Alice").id, P("Bob").id]);
    for (const entry of entries) {
      const ev = entry.evidence as { statement: ApprovalStatement; assertion: AssertionEvidence; publicKey: PasskeyKey & { jwk: unknown }; intentHash: string; credentialId: string; operatorId: string; progress: unknown };
      expect(ev.statement.intentHash).toBe(intent.hash);
      expect(ev.intentHash).toBe(intent.hash);
      expect(ev.credentialId).toBe(ev.assertion.id);
      expect(ev.publicKey.jwk).toMatchObject({ kty: expect.any(String) });
      expect(await verifyApprovalAssertion({ statement: ev.statement, assertion: ev.assertion, publicKey: ev.publicKey, expectedOrigin: ORIGIN, expectedRpId: "localhost" })).toEqual({ ok: true });
      const forged = { ...ev.statement, executionWindowSeconds: 900 };
      expect((await verifyApprovalAssertion({ statement: forged, assertion: ev.assertion, publicKey: ev.publicKey, expectedOrigin: ORIGIN, expectedRpId: "localhost" })).ok).toBe(false);
      const row = await host.db.approval.findUniqueOrThrow({ where: { intentId_operatorId: { intentId: intent.id, operatorId: ev.operatorId } } });
      expect(row.auditSeq).toBe(entry.seq);
      expect(JSON.parse(row.statement)).toEqual(ev.statement);
    }
    expect(entries[0]!.evidence.progress).toEqual({ satisfied: false, requirements: [{ approvers: 2, team: null, approvedBy: [P("Alice").id] }] });
    const { requirements } = entries[1]!.evidence.progress as { requirements: { approvedBy: string[] }[] };
    expect(entries[1]!.evidence.progress).toMatchObject({ satisfied: true, requirements: [{ approvers: 2, team: null }] });
    expect(requirements[0]!.approvedBy.sort()).toEqual([P("Alice").id, P("Bob").id].sort());
    const [approved] = await entriesFor(APPROVAL_EVENTS.intentApproved, intent.id);
    expect(approved!.seq).toBe(entries[1]!.seq + 1);
    expect(approved!.evidence).toMatchObject({ executionWindowSeconds: 300, approvals: entries.map((e) => ({ auditSeq: e.seq, decision: "approve" })) });
  });
});

describe("offline verification of an export (pteri audit verify)", () => {
  it("the whole log verifies, approval assertions included; a decision entry whose signed material was altered does not", async () => {
    const intent = await submit(machine, "pay.one");
    await decide(P("Bob"), intent.id, APPROVE);
    const identity = await getLogIdentity(host.db, loadConfig());
    const lines: string[] = [];
    for await (const line of exportAuditLog(host.db, identity, await resolveExportRange(host.db))) lines.push(line);
    const verified = await verifyExport(lines, { backend: nodeEd25519, logKey: identity.vkey });
    expect(verified).toMatchObject({ ok: true });
    expect(lines.filter((l) => l.includes(`"type":"${APPROVAL_EVENTS.approved}"`)).length).toBeGreaterThan(0);

    const [entry] = await entriesFor(APPROVAL_EVENTS.approved, intent.id);
    expect(await approvalEntryFailure(entry!)).toBeNull();
    const ev = entry!.evidence as { statement: ApprovalStatement; assertion: AssertionEvidence };
    const alicesKey = await host.db.passkey.findFirstOrThrow({ where: { operatorId: P("Alice").id } });
    const altered = [
      { ...entry!, evidence: { ...ev, statement: { ...ev.statement, reason: "something else" } } },
      { ...entry!, type: APPROVAL_EVENTS.rejected },
      { ...entry!, actor: { type: "operator" as const, id: P("Alice").id } },
      { ...entry!, subjects: { ...entry!.subjects, intent: "another" } },
      { ...entry!, evidence: { ...ev, assertion: { ...ev.assertion, response: { ...ev.assertion.response, signature: ev.assertion.response.signature.replace(/^./, (c) => (c === "A" ? "B" : "A")) } } } },
      { ...entry!, evidence: { ...ev, publicKey: { algorithm: alicesKey.algorithm, spki: alicesKey.publicKeySpki } } },
      { ...entry!, evidence: {} },
    ];
    for (const bad of altered) expect(await approvalEntryFailure(bad)).toEqual(expect.any(String));

    // A forged decision appended with an intact chain and a fresh checkpoint: only the assertion check catches it.
    const forged = await writeTransaction(host.db, (tx) => recordAuditEvent(tx, { type: entry!.type, actor: entry!.actor, subjects: entry!.subjects, summary: entry!.summary, evidence: altered[0]!.evidence }));
    const again: string[] = [];
    for await (const line of exportAuditLog(host.db, identity, await resolveExportRange(host.db))) again.push(line);
    expect(await verifyExport(again, { backend: nodeEd25519, logKey: identity.vkey })).toMatchObject({ ok: false, code: "signature_invalid", seq: forged.seq });
  });
});

describe("the queue", () => {
  it("pending: soonest deadline first, never an expired or decided one; decided: the latest decisions; detail: the machine's history", async () => {
    const later = await submit(machine, "pay.one");
    const sooner = await submit(machine, "pay.one");
    await host.db.intent.update({ where: { id: sooner.id }, data: { expiresAt: new Date(Date.now() + 30_000) } });
    const gone = await submit(machine, "pay.one");
    await host.db.intent.update({ where: { id: gone.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const pending = (await queue(P("Alice"))).items.map((i) => i.intent.id);
    expect(pending.indexOf(sooner.id)).toBeGreaterThanOrEqual(0);
    expect(pending.indexOf(sooner.id)).toBeLessThan(pending.indexOf(later.id));
    expect(pending).not.toContain(gone.id);
    const item = (await queue(P("Alice"))).items.find((i) => i.intent.id === later.id)!;
    expect(item).toMatchObject({
      intent: { status: "pending", action: "pay.one", hash: later.hash },
      machine: { id: machine.machine.id, name: "payments-worker" },
      rules: [{ policyName: "Approvals", ruleId: "one", policyVersion: 1 }],
      obligation: { requirements: [{ approvers: 1, team: null, approvedBy: [] }], expiresInSeconds: 600, executionWindowSeconds: null, executionWindowLimitSeconds: 600 },
      approvals: [],
      viewer: { canDecide: true, reason: null, canApprove: true },
    });

    await decide(P("Alice"), later.id, REJECT);
    expect((await queue(P("Alice"))).items.map((i) => i.intent.id)).not.toContain(later.id);
    const decided = await queue(P("Audrey"), "decided");
    expect(decided.items[0]!.intent).toMatchObject({ id: later.id, status: "rejected" });
    expect(decided.items[0]!.approvals).toMatchObject([{ operatorName: "Alice", decision: "reject", reason: REJECT.reason }]);
    expect((await queue(P("Audrey"), "bogus")).items).toBeUndefined();

    const seen = await detail(P("Bob"), later.id);
    expect(seen.machineHistory.length).toBeGreaterThan(0);
    expect(seen.machineHistory.length).toBeLessThanOrEqual(10);
    expect(seen.machineHistory.map((h) => h.id)).not.toContain(later.id);
    expect(seen.machineHistory[0]!.id).toBe(gone.id);
    expect(seen.viewer).toMatchObject({ canDecide: false, reason: expect.stringContaining("rejected") });
  });
});
