/**
 * Submitting intents against real published policies: decisions, idempotency, rate limits,
 * what is stored and recorded, and that a refusal stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { DEFAULT_EXECUTION_VALIDITY_SECONDS, intentAnswer, type StoredDecision } from "@/lib/intents/model";
import { intentSuggestions, recordedIntentsSince } from "@/lib/intents/recorded";
import { evaluate, compilePolicies } from "@/lib/policies";
import type { IntentSource } from "@/lib/policies/store/impact";
import { publishedPolicies } from "@/lib/policies/store/repository";
import { enroll, freshDb, NOW_MS, type Enrolled, type TestDb } from "../auth/helpers";
import { auditOf, counts, intentDoc, intentErrorCode, policyDoc, publish, republish, rule, submitSigned } from "./helpers";

let env: TestDb;
let alice: Enrolled;
let bob: Enrolled;
let payments: { id: string; version: number };

beforeAll(async () => {
  env = await freshDb();
  alice = await enroll(env.db, "alice", ["team:ops"]);
  bob = await enroll(env.db, "bob", []);
});
afterAll(() => env.close());

const body = (over: Parameters<typeof intentDoc>[0] = {}) => JSON.stringify(intentDoc(over));
let clock = NOW_MS;
/** Each test submits at a later time, so rate windows of earlier tests are over. */
const later = (ms = 3_600_000) => (clock += ms);

describe("with no published policy", () => {
  it("denies by default (no_applicable_policy), stores the intent and its entry", async () => {
    const before = await counts(env.db);
    const { intent, created, requestSeq } = await submitSigned(env, alice, body(), later());
    expect(created).toBe(true);
    expect(intent.status).toBe("denied");
    expect(intent.decision).toMatchObject({ decision: "deny", reason: "no_applicable_policy", rules: [], policies: [] });
    expect(intentAnswer(intent)).toMatchObject({ status: "denied", expiresAt: null, decision: { decision: "deny", reason: "no_applicable_policy", rules: [] } });
    expect(intent.submissionSeq).toBe(requestSeq);
    expect(await counts(env.db)).toEqual({ intents: before.intents + 1, matches: before.matches, submitted: before.submitted + 1 });
  });
});

describe("decisions through published policies", () => {
  beforeAll(async () => {
    payments = await publish(
      env.db,
      policyDoc("Ops", [
        rule({ id: "deploys" }),
        rule({ id: "transfers", actions: ["payments.transfer"], resources: ["accounts/**"], approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 3600, executionWindowSeconds: 300 } }),
        rule({ id: "reports", actions: ["reports.read"], resources: ["reports/*"], rateLimit: { max: 2, windowSeconds: 60 } }),
        rule({ id: "no-secrets", effect: "deny", actions: ["*"], resources: ["secrets/**"] }),
        rule({ id: "from-office", actions: ["office.print"], resources: ["**"], context: { sourceAddresses: ["192.0.2.0/24"] } }),
      ], { tagSelectors: [["team:ops"]] }),
    );
  });

  it("allow: allowed, expires after the default execution validity, names the rule", async () => {
    const now = later();
    const { intent } = await submitSigned(env, alice, body({ nonce: "allow" }), now);
    expect(intent.status).toBe("allowed");
    expect(intent.expiresAt.getTime()).toBe(now + DEFAULT_EXECUTION_VALIDITY_SECONDS * 1000);
    expect(intent.obligation).toBeNull();
    const answer = intentAnswer(intent);
    expect(answer.decision).toMatchObject({ decision: "allow", reason: "allowed", rules: [{ policyId: payments.id, policyVersion: payments.version, ruleId: "deploys" }] });
    expect(answer.expiresAt).toBe(new Date(now + 600_000).toISOString());
    const versions = await env.db.policyVersion.findFirstOrThrow({ where: { policyId: payments.id } });
    expect(intent.decision.policies).toEqual([{ id: payments.id, version: payments.version, digest: versions.digest, applies: true }]);
  });

  it("a deny rule: denied_by_rule; a machine the policy does not target: no_applicable_policy", async () => {
    const denied = await submitSigned(env, alice, body({ resource: "secrets/db" }), later());
    expect(denied.intent.status).toBe("denied");
    expect(denied.intent.decision).toMatchObject({ reason: "denied_by_rule", rules: [{ ruleId: "no-secrets", effect: "deny" }] });
    const other = await submitSigned(env, bob, body(), later());
    expect(other.intent.decision.reason).toBe("no_applicable_policy");
  });

  it("an action no rule allows: default_deny", async () => {
    const { intent } = await submitSigned(env, alice, body({ action: "deploy.stop" }), later());
    expect(intent.decision).toMatchObject({ decision: "deny", reason: "default_deny", rules: [] });
  });

  it("source address rules fail closed (the server does not use one)", async () => {
    const { intent } = await submitSigned(env, alice, body({ action: "office.print", resource: "printer" }), later());
    expect(intent.decision.reason).toBe("default_deny");
    expect(intent.decision.input.sourceAddress).toBeNull();
  });

  it("approval: pending, with the obligation, its deadline and execution window", async () => {
    const now = later();
    const { intent } = await submitSigned(env, alice, body({ action: "payments.transfer", resource: "accounts/42/payouts", params: { amount: 5000 } }), now);
    expect(intent.status).toBe("pending");
    expect(intent.expiresAt.getTime()).toBe(now + 3600 * 1000);
    expect(intent.executionWindowSeconds).toBe(300);
    expect(intent.obligation).toEqual({ requirements: [{ approvers: 2 }], expiresInSeconds: 3600, executionWindowSeconds: 300 });
    expect(intentAnswer(intent)).toMatchObject({ status: "pending", approvals: { required: 2, received: 0 }, decision: { decision: "allow_with_approval", reason: "approval_required" } });
  });

  it("rate limit: N allowed, the next denied as rate_limited, allowed again once the window passed", async () => {
    const start = later();
    const r = (n: number, at: number) => submitSigned(env, alice, body({ action: "reports.read", resource: "reports/q1", nonce: `n${n}-${at}` }), at);
    expect((await r(1, start)).intent.status).toBe("allowed");
    expect((await r(2, start + 10_000)).intent.status).toBe("allowed");
    const third = await r(3, start + 20_000);
    expect(third.intent.status).toBe("denied");
    expect(third.intent.decision).toMatchObject({ reason: "rate_limited", limitedBy: { policyId: payments.id, ruleId: "reports" } });
    expect(third.intent.decision.input.rateCounts).toEqual({ [payments.id]: { reports: 2 } });
    expect(third.intent.decision.message).toMatch(/rate|limit/i);
    // A denied intent does not use the limit up: still 2 in the window.
    expect((await r(4, start + 30_000)).intent.decision.input.rateCounts).toEqual({ [payments.id]: { reports: 2 } });
    // The first left the window (60 s after it): one slot free again.
    const fifth = await r(5, start + 60_001);
    expect(fifth.intent.status).toBe("allowed");
    expect(fifth.intent.decision.input.rateCounts).toEqual({ [payments.id]: { reports: 1 } });
    expect(await env.db.intentRuleMatch.count({ where: { machineId: alice.machine.id, policyId: payments.id, ruleId: "reports" } })).toBe(3);
    // Another machine has its own count.
    expect((await env.db.intentRuleMatch.count({ where: { machineId: bob.machine.id } }))).toBe(0);
  });

  it("a publication is seen by the very next intent", async () => {
    const d = body({ action: "deploy.rollback", nonce: "publish-1" });
    expect((await submitSigned(env, alice, d, later())).intent.decision.reason).toBe("default_deny");
    const current = await env.db.policyVersion.findFirstOrThrow({ where: { policyId: payments.id }, orderBy: { version: "desc" } });
    const doc = JSON.parse(current.document) as ReturnType<typeof policyDoc>;
    const version = await republish(env.db, payments.id, { ...doc, rules: [...doc.rules, rule({ id: "rollbacks", actions: ["deploy.rollback"] })] });
    const after = await submitSigned(env, alice, body({ action: "deploy.rollback", nonce: "publish-2" }), later());
    expect(after.intent.status).toBe("allowed");
    expect(after.intent.decision.rules).toEqual([{ policyId: payments.id, policyVersion: version, ruleId: "rollbacks", effect: "allow" }]);
    payments = { id: payments.id, version };
  });

  it("the stored decision is the engine's, for the same inputs", async () => {
    const now = later();
    const { intent } = await submitSigned(env, alice, body({ action: "payments.transfer", resource: "accounts/7", nonce: "same" }), now);
    const direct = evaluate(compilePolicies(await publishedPolicies(env.db)), {
      machine: { id: alice.machine.id, tags: alice.machine.tags },
      action: intent.action,
      resource: intent.resource,
      params: intent.document.params,
      context: { now: new Date(now) },
      rateCounts: intent.decision.input.rateCounts,
    });
    const stored: StoredDecision = intent.decision;
    expect([stored.decision, stored.reason, stored.message]).toEqual([direct.decision, direct.reason, direct.message]);
    expect(stored.rules).toEqual(direct.decidedBy.map((r) => ({ ...r })));
  });
});

describe("idempotent resubmission", () => {
  it("a denied intent stays denied when resubmitted after a publication (a new nonce makes a new intent)", async () => {
    const first = await submitSigned(env, alice, body(), later());
    expect(first.created).toBe(false);
    expect(first.intent.status).toBe("denied");
    expect((await submitSigned(env, alice, body({ nonce: "new" }), later())).intent.status).toBe("allowed");
  });

  it("the same document (any key order or spacing) is the same intent: 200, no new row or entry", async () => {
    const doc = intentDoc({ nonce: "idem" });
    const first = await submitSigned(env, alice, JSON.stringify(doc), later());
    const before = await counts(env.db);
    const again = await submitSigned(env, alice, JSON.stringify(Object.fromEntries(Object.entries(doc).reverse()), null, 2), later(1000));
    expect(again.created).toBe(false);
    expect(again.intent.id).toBe(first.intent.id);
    expect(again.intent.submissionSeq).toBe(first.requestSeq);
    expect(await counts(env.db)).toEqual(before);
  });

  it("another machine with the same document gets its own intent", async () => {
    const doc = JSON.stringify(intentDoc({ nonce: "shared" }));
    const a = await submitSigned(env, alice, doc, later());
    const b = await submitSigned(env, bob, doc, later(1000));
    expect(b.created).toBe(true);
    expect(b.intent.id).not.toBe(a.intent.id);
    expect(b.intent.hash).toBe(a.intent.hash);
  });

  it("concurrent identical submissions: one intent, one intent.submitted entry", async () => {
    const doc = JSON.stringify(intentDoc({ nonce: "race" }));
    const now = later();
    const results = await Promise.all(Array.from({ length: 5 }, () => submitSigned(env, alice, doc, now)));
    expect(new Set(results.map((r) => r.intent.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const entries = (await auditOf(env.db, "intent.submitted")).filter((e) => e.subjects.intent === results[0]!.intent.id);
    expect(entries).toHaveLength(1);
  });
});

describe("bad input changes nothing", () => {
  it.each([
    ["not JSON", "{", "body_invalid"],
    ["schema", JSON.stringify({ ...intentDoc(), action: "BAD" }), "intent_invalid"],
    ["duplicate keys", JSON.stringify(intentDoc()).replace('"format"', '"action":"x","format"'), "intent_invalid"],
  ])("%s: %s, no intent, no match, no intent entry", async (_name, text, code) => {
    const before = await counts(env.db);
    expect(await intentErrorCode(submitSigned(env, alice, text, later()))).toBe(code);
    expect(await counts(env.db)).toEqual(before);
  });

  it("a published policy that no longer validates fails closed: policies_unavailable, nothing stored", async () => {
    const broken = await publish(env.db, policyDoc("Broken later", [rule({ id: "x", actions: ["nothing.here"] })]));
    // Versions are immutable; a corrupt row is inserted as the next version (as a bad restore would).
    await writeTransaction(env.db, async (tx) => {
      await tx.policyVersion.create({ data: { policyId: broken.id, version: 2, document: '{"format":"pteri.policy/v1"}', digest: "x", note: "corrupt", authorId: "test" } });
      await tx.policy.update({ where: { id: broken.id }, data: { latestVersion: 2 } });
    });
    const before = await counts(env.db);
    expect(await intentErrorCode(submitSigned(env, alice, body({ nonce: "broken" }), later()))).toBe("policies_unavailable");
    expect(await counts(env.db)).toEqual(before);
    // Fixed by publishing a valid version: decisions resume.
    await republish(env.db, broken.id, policyDoc("Broken later", [rule({ id: "x", actions: ["nothing.here"] })]));
    expect((await submitSigned(env, alice, body({ nonce: "broken" }), later())).intent.status).toBe("allowed");
  });
});

describe("the audit trail", () => {
  it("every intent has exactly one intent.submitted entry, linked to its machine.request entry", async () => {
    const intents = await env.db.intent.findMany();
    const entries = await auditOf(env.db, "intent.submitted");
    expect(entries).toHaveLength(intents.length);
    for (const intent of intents) {
      const mine = entries.filter((e) => e.subjects.intent === intent.id);
      expect(mine).toHaveLength(1);
      const entry = mine[0]!;
      expect(entry.actor).toEqual({ type: "machine", id: intent.keyId });
      expect(entry.subjects).toEqual({ machine: intent.machineId, intent: intent.id });
      expect(entry.evidence).toMatchObject({ intentId: intent.id, hash: intent.hash, requestSeq: intent.submissionSeq, document: JSON.parse(intent.document) as unknown });
      const request = await env.db.auditEntry.findUniqueOrThrow({ where: { seq: intent.submissionSeq } });
      expect(request.type).toBe("machine.request");
      expect(request.actorId).toBe(intent.keyId);
      expect(request.seq).toBeLessThan(entry.seq);
      const decision = entry.evidence.decision as { policies: unknown[]; rules: unknown[]; reason: string };
      expect(decision.reason).toBe((JSON.parse(intent.decision) as StoredDecision).reason);
    }
  });

  it("keeps the body as signed when it is not already canonical", async () => {
    const text = JSON.stringify(intentDoc({ nonce: "pretty" }), null, 2);
    const { intent } = await submitSigned(env, alice, text, later());
    const [entry] = (await auditOf(env.db, "intent.submitted")).filter((e) => e.subjects.intent === intent.id);
    expect(entry!.evidence.body).toBe(text);
  });
});

describe("for the policies store", () => {
  it("recordedIntentsSince: oldest first, with the inputs each decision saw", async () => {
    const source: IntentSource = recordedIntentsSince; // what impact.ts plugs in
    const all = await source(env.db, new Date(0));
    expect(all.length).toBe(await env.db.intent.count());
    const times = all.map((i) => i.context.now.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const one = all.find((i) => i.machine.id === alice.machine.id && i.action === "reports.read")!;
    expect(one.machine).toEqual({ id: alice.machine.id, name: "alice", tags: ["team:ops"] });
    expect(one.rateCounts).toBeDefined();
    expect(one.context.sourceAddress).toBeUndefined();
    // Replaying against the same published set gives the same decision as stored.
    const set = compilePolicies(await publishedPolicies(env.db));
    const last = all[all.length - 1]!;
    const row = await env.db.intent.findUniqueOrThrow({ where: { id: last.id } });
    expect(evaluate(set, last).decision).toBe((JSON.parse(row.decision) as StoredDecision).decision);
    const newest2 = await recordedIntentsSince(env.db, new Date(0), 2);
    expect(newest2.map((i) => i.id)).toEqual(all.slice(-2).map((i) => i.id));
    expect(await recordedIntentsSince(env.db, new Date(clock + 1))).toEqual([]);
  });

  it("intentSuggestions: distinct actions and resources, most recent first, bounded", async () => {
    await submitSigned(env, alice, body({ action: "zzz.latest", resource: "services/latest" }), later());
    const s = await intentSuggestions(env.db, { now: new Date(clock) });
    expect(s.actions[0]).toBe("zzz.latest");
    expect(s.resources[0]).toBe("services/latest");
    expect(new Set(s.actions).size).toBe(s.actions.length);
    expect(s.actions).toContain("reports.read");
    expect((await intentSuggestions(env.db, { now: new Date(clock), limit: 2 })).actions).toHaveLength(2);
    expect(await intentSuggestions(env.db, { now: new Date(clock + 40 * 86_400_000) })).toEqual({ actions: [], resources: [] });
  });
});
