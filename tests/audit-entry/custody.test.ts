/**
 * The chain of custody (lib/audit/custody, GET /api/audit/entries/{seq}) on a real database
 * after a whole flow: policy published, signed submission, two passkey approvals, a refused
 * execution attempt and the execution. The same chain is found from any of its entries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVAL_EVENTS } from "@/lib/approvals/events";
import type { AuditEntryDetail } from "@/lib/audit/custody/wire";
import { INTENT_EVENTS } from "@/lib/intents/events";
import { MACHINE_EVENTS } from "@/lib/machines/events";
import { person, type Person } from "../approvals/helpers";
import { ALL_ROLES, startTestHost, type TestHost } from "../operators/helpers/host";
import { buildChain, detailOf, getEntry, type Chain } from "./helpers";

let host: TestHost;
let chain: Chain;
let auditor: Person;

beforeAll(async () => {
  host = await startTestHost();
  chain = await buildChain(host.db);
  auditor = await person(host.db, "Audrey", ["auditor"]);
}, 120_000);
afterAll(() => host.close());

const seqsOf = (d: AuditEntryDetail) => d.timeline.map((s) => s.seq);

describe("the chain of custody of an executed intent", () => {
  it("lists every step in log order: policy, signed request, decision, approvals, execution checks, execution", async () => {
    const detail = await detailOf(chain.executionSeq, auditor.cookie);
    expect(detail.seq).toBe(chain.executionSeq);
    expect(detail.intentId).toBe(chain.intentId);
    expect(detail.timeline.map((s) => s.kind)).toEqual(["policy", "request", "intent", "approval", "approval", "decision", "verify_request", "refusal", "verify_request", "execution"]);
    expect(detail.timeline.map((s) => s.type)).toEqual([
      "policy.published", "machine.request", INTENT_EVENTS.submitted, APPROVAL_EVENTS.approved, APPROVAL_EVENTS.approved,
      APPROVAL_EVENTS.intentApproved, "machine.request", INTENT_EVENTS.executionRefused, "machine.request", INTENT_EVENTS.executed,
    ]);
    const seqs = seqsOf(detail);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seqs[1]).toBe(chain.submissionSeq);
    expect(seqs.at(-1)).toBe(chain.executionSeq);
    // Every step's entry travels with it, in export format, for the browser to re-verify.
    expect(detail.entries.map((e) => e.line.seq)).toEqual(seqs);
    expect(detail.entries.every((e) => e.line.kind === "entry" && /^[0-9a-f]{64}$/.test(e.line.entryHash))).toBe(true);
  });

  it("names the policy version and the rule that decided, the approvers with their reasons, and the machines", async () => {
    const { timeline } = await detailOf(chain.executionSeq, auditor.cookie);
    const policy = { id: chain.policy.id, name: "Payouts", version: chain.policy.version, ruleId: "two-approvers" };
    expect(timeline[0]!.policies).toEqual([policy]);
    expect(timeline[2]!).toMatchObject({ title: "Intent submitted: pending", policies: [policy], machine: { id: chain.owner.machine.id, name: "payer" } });
    expect(timeline[2]!.actor).toMatchObject({ type: "machine", id: chain.owner.key.publicKey.keyId, machine: { id: chain.owner.machine.id, name: "payer" }, operator: null });
    expect(timeline[3]!).toMatchObject({ reason: "checked by Alice", actor: { type: "operator", operator: { id: chain.alice.id, name: "Alice" } } });
    expect(timeline[4]!).toMatchObject({ reason: "checked by Bob", actor: { type: "operator", operator: { id: chain.bob.id, name: "Bob" } } });
    expect(timeline[7]!.reason).toBeTruthy();
    expect(timeline[9]!).toMatchObject({ title: "Executed (once)", machine: { id: chain.owner.machine.id, name: "payer" }, actor: { machine: { id: chain.service.machine.id, name: "payments-service" } } });
  });

  it("is the same chain from any of its entries: the submission request, an approval, the verify call's request", async () => {
    const full = seqsOf(await detailOf(chain.executionSeq, auditor.cookie));
    const [, request, submitted, approval, , , refusedCall, , verifyCall] = full;
    for (const seq of [request!, submitted!, approval!, refusedCall!, verifyCall!]) {
      const detail = await detailOf(seq, auditor.cookie);
      expect(detail.seq).toBe(seq);
      expect(seqsOf(detail)).toEqual(full);
    }
  });

  it("an entry outside any intent stands alone", async () => {
    const registered = await host.db.auditEntry.findFirstOrThrow({ where: { type: MACHINE_EVENTS.registered }, orderBy: { seq: "asc" } });
    const detail = await detailOf(registered.seq, auditor.cookie);
    expect(detail.intentId).toBeNull();
    expect(detail.timeline).toHaveLength(1);
    expect(detail.timeline[0]).toMatchObject({ kind: "entry", seq: registered.seq, type: MACHINE_EVENTS.registered });
  });

  it("comes with a signed checkpoint covering every entry, each with an inclusion proof", async () => {
    const detail = await detailOf(chain.executionSeq, auditor.cookie);
    expect(detail.checkpoint.size).toBeGreaterThan(chain.executionSeq);
    expect(detail.checkpoint.note).toContain(`\n${detail.checkpoint.size}\n`);
    expect(detail.entries.every((e) => e.inclusionProof.length > 0)).toBe(true);
    const stored = await host.db.auditEntry.findUniqueOrThrow({ where: { seq: chain.executionSeq - 1 } });
    expect(detail.entries.at(-1)!.previousEntryHash).toBe(stored.entryHash);
  });
});

describe("GET /api/audit/entries/{seq}", () => {
  it("answers every role (audit.read), and nobody without a session", async () => {
    for (const role of ALL_ROLES) {
      const who = await person(host.db, `Reader ${role}`, [role]);
      expect((await getEntry(chain.executionSeq, who.cookie)).status).toBe(200);
    }
    const anonymous = await getEntry(chain.executionSeq);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(chain.intentId);
  });

  it("answers 404 for a seq past the end and for anything that is not a seq", async () => {
    for (const bad of ["abc", "-1", "01", "1.5", "1e3", "0x10", "99999999999999999999", "999999"]) {
      const response = await getEntry(bad, auditor.cookie);
      expect(response.status, bad).toBe(404);
      expect(await response.json()).toMatchObject({ code: "not_found" });
    }
  });
});
