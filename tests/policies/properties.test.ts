/**
 * Properties over random policies and intents (fast-check): the guarantees operators rely on
 * when they edit policies. Rules are drawn from a small vocabulary so that they often match,
 * and every generated document is valid (compilePolicies would throw otherwise).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compilePolicies, evaluate, type Decision, type EvaluationInput, type PolicyCondition, type PolicyDocument, type PolicyRule, type PublishedPolicy } from "@/lib/policies";

const RUNS = { numRuns: 300 };

const scalar = fc.oneof(fc.constantFrom("EUR", "USD", "GBP", "", null, true), fc.integer({ min: -5, max: 2000 }));
const field = fc.constantFrom("params.amount", "params.currency", "params.meta.tier");

const condition: fc.Arbitrary<PolicyCondition> = fc.oneof(
  fc.record({ field, operator: fc.constantFrom("lt", "lte", "gt", "gte"), value: fc.integer({ min: -5, max: 2000 }) }),
  fc.record({ field, operator: fc.constantFrom("eq", "ne"), value: scalar }),
  fc.record({ field, operator: fc.constantFrom("in", "not_in"), value: fc.array(scalar, { minLength: 1, maxLength: 4 }) }),
  fc.record({ field, operator: fc.constant("glob"), value: fc.constantFrom("E*", "?SD", "*", "gold") }),
  fc.record({ field, operator: fc.constant("regex"), value: fc.constantFrom("[A-Z]{3}", "EUR|USD", ".*", "g.ld") }),
  fc.record({ field, operator: fc.constant("exists"), value: fc.boolean() }),
) as fc.Arbitrary<PolicyCondition>;

const context = fc.record(
  {
    time: fc.record({
      timeZone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York"),
      windows: fc.array(
        fc.record({ days: fc.subarray(["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const, { minLength: 1 }), from: fc.constantFrom("00:00", "08:00", "22:00"), to: fc.constantFrom("06:00", "18:00", "24:00") }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
    sourceAddresses: fc.subarray(["192.0.2.0/24", "10.0.0.0/8", "2001:db8::/32"], { minLength: 1 }),
  },
  { requiredKeys: [] },
);

const approval = fc.record({
  requirements: fc.uniqueArray(fc.record({ approvers: fc.integer({ min: 1, max: 3 }), team: fc.option(fc.constantFrom("finance", "security"), { nil: undefined }) }), { minLength: 1, maxLength: 3, selector: (r) => r.team ?? "" }),
  expiresInSeconds: fc.integer({ min: 60, max: 86400 }),
  executionWindowSeconds: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
});

/** Mostly undefined: constraints are drawn rarely enough that rules often match. */
function sometimes<T>(arb: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 - weight }, { arbitrary: arb, weight });
}

/** A rule without its id (ids are given by position, so they stay stable when rules are added or removed). */
const ruleBody = fc
  .record({
    effect: fc.oneof({ arbitrary: fc.constant("allow" as const), weight: 3 }, { arbitrary: fc.constant("deny" as const), weight: 1 }),
    actions: fc.subarray(["*", "payments.*", "payments.transfer", "deploy.run"], { minLength: 1 }),
    resources: fc.subarray(["**", "accounts/*/payouts", "accounts/acme/**", "repos/web"], { minLength: 1 }),
    conditions: sometimes(fc.array(condition, { minLength: 1, maxLength: 2 }), 2),
    context: sometimes(context),
    rateLimit: sometimes(fc.record({ max: fc.integer({ min: 1, max: 4 }), windowSeconds: fc.constant(3600) })),
    approval: sometimes(approval),
  })
  .map((r) => (r.effect === "deny" ? { ...r, rateLimit: undefined, approval: undefined } : r));

function clean<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T; // drops undefined members, as stored JSON would
}

const targets = fc.constantFrom<PolicyDocument["targets"]>({ all: true }, { all: true }, { machines: ["m1"] }, { machines: ["m2"] }, { tagSelectors: [["env:prod"]] }, { tagSelectors: [["env:dev"], ["team:web"]] });

const policies: fc.Arbitrary<PublishedPolicy[]> = fc.array(fc.tuple(targets, fc.array(ruleBody, { maxLength: 6 })), { minLength: 1, maxLength: 3 }).map((list) =>
  list.map(([t, rules], p) => ({
    id: `p${p}`,
    version: 1,
    document: clean({ format: "pteri.policy/v1" as const, name: `Policy ${p}`, targets: t, rules: rules.map((r, i) => ({ ...r, id: `r${i}` }) as PolicyRule) }),
  })),
);

const rateCounts = fc.dictionary(fc.constantFrom("p0", "p1", "p2"), fc.dictionary(fc.constantFrom("r0", "r1", "r2", "r3", "r4", "r5"), fc.integer({ min: 0, max: 5 })));

const intent: fc.Arbitrary<EvaluationInput> = fc.record({
  machine: fc.constantFrom({ id: "m1", tags: ["env:prod"] }, { id: "m2", tags: ["env:dev", "team:web"] }, { id: "m3", tags: [] }),
  action: fc.constantFrom("payments.transfer", "payments.refund", "deploy.run"),
  resource: fc.constantFrom("accounts/acme/payouts", "accounts/other/payouts", "repos/web"),
  params: fc.record({ amount: scalar, currency: scalar, meta: fc.record({ tier: scalar }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  context: fc.record({ now: fc.date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2026-12-31T23:59:59Z"), noInvalidDate: true }), sourceAddress: fc.constantFrom("192.0.2.7", "10.1.2.3", "2001:db8::5", "203.0.113.1") }, { requiredKeys: ["now"] }),
  rateCounts,
});

/** A deny rule, and where to put it. */
const addedDeny = fc.tuple(ruleBody.map((r) => ({ ...r, effect: "deny" as const, rateLimit: undefined, approval: undefined })), fc.nat(), fc.nat());

function withRule(list: PublishedPolicy[], body: object, policyIndex: number, position: number, id: string): PublishedPolicy[] {
  return list.map((p, i) => {
    if (i !== policyIndex % list.length) return p;
    const rules = [...p.document.rules];
    rules.splice(position % (rules.length + 1), 0, clean({ ...body, id }) as PolicyRule);
    return { ...p, document: { ...p.document, rules } };
  });
}

const allows = (d: Decision) => d.decision !== "deny";

describe("policy properties", () => {
  it("adding a deny rule never turns a deny into an allow, and otherwise changes nothing but allow to deny", () => {
    fc.assert(
      fc.property(policies, intent, addedDeny, (list, i, [body, p, pos]) => {
        const before = evaluate(list, i);
        const after = evaluate(withRule(list, body, p, pos, "added-deny"), i);
        if (!allows(before)) expect(allows(after)).toBe(false);
        if (allows(after)) {
          expect(after.decision).toBe(before.decision);
          expect(after.approval).toEqual(before.approval);
        }
      }),
      RUNS,
    );
  });

  it("removing an allow rule never adds an allow", () => {
    fc.assert(
      fc.property(policies, intent, fc.nat(), (list, i, pick) => {
        const allowRules = list.flatMap((p, pi) => p.document.rules.flatMap((r, ri) => (r.effect === "allow" ? [[pi, ri] as const] : [])));
        fc.pre(allowRules.length > 0);
        const [pi, ri] = allowRules[pick % allowRules.length]!;
        const removed = list.map((p, i2) => (i2 === pi ? { ...p, document: { ...p.document, rules: p.document.rules.filter((_, k) => k !== ri) } } : p));
        if (allows(evaluate(removed, i))) expect(allows(evaluate(list, i))).toBe(true);
      }),
      RUNS,
    );
  });

  it("adding an allow rule never turns an allow into a deny", () => {
    fc.assert(
      fc.property(policies, intent, ruleBody, fc.nat(), fc.nat(), (list, i, body, p, pos) => {
        const allow = { ...body, effect: "allow" as const, rateLimit: undefined };
        if (allows(evaluate(list, i))) expect(allows(evaluate(withRule(list, allow, p, pos, "added-allow"), i))).toBe(true);
      }),
      RUNS,
    );
  });

  it("is deterministic: same input, same decision, compiled or not, and after a JSON round trip", () => {
    fc.assert(
      fc.property(policies, intent, (list, i) => {
        const set = compilePolicies(list);
        const first = evaluate(set, i);
        expect(evaluate(set, i)).toEqual(first);
        expect(evaluate(list, i)).toEqual(first);
        expect(evaluate(clean(list), { ...i, params: clean({ v: i.params }).v })).toEqual(first);
      }),
      RUNS,
    );
  });

  it("explain: false gives the same decision, only without the explanations", () => {
    fc.assert(
      fc.property(policies, intent, (list, i) => {
        const set = compilePolicies(list);
        const full = evaluate(set, i);
        expect(evaluate(set, i, { explain: false })).toEqual({ ...full, notMatched: [] });
      }),
      RUNS,
    );
  });

  it("does not depend on the order of policies or rules", () => {
    fc.assert(
      fc.property(policies, intent, fc.integer(), (list, i, seed) => {
        const shuffle = <T>(xs: readonly T[], s: number) => xs.map((x, k) => ({ x, key: Math.sin(s + k * 7919) })).sort((a, b) => a.key - b.key).map((e) => e.x);
        const shuffled = shuffle(list, seed).map((p, k) => ({ ...p, document: { ...p.document, rules: shuffle(p.document.rules, seed + k) } }));
        const a = evaluate(list, i);
        const b = evaluate(shuffled, i);
        const refs = (d: Decision) => d.matched.map((m) => `${m.policyId}/${m.ruleId}`).sort();
        expect([b.decision, b.reason, b.approval, refs(b)]).toEqual([a.decision, a.reason, a.approval, refs(a)]);
      }),
      RUNS,
    );
  });

  it("the merged obligation is at least as strict as each matching allow rule's", () => {
    fc.assert(
      fc.property(policies, intent, (list, i) => {
        const d = evaluate(list, i);
        for (const ref of d.decidedBy) {
          if (ref.effect !== "allow") continue;
          const own = list.find((p) => p.id === ref.policyId)!.document.rules.find((r) => r.id === ref.ruleId)!.approval;
          if (!own) continue;
          expect(d.approval!.expiresInSeconds).toBeLessThanOrEqual(own.expiresInSeconds);
          if (own.executionWindowSeconds) expect(d.approval!.executionWindowSeconds).toBeLessThanOrEqual(own.executionWindowSeconds);
          for (const r of own.requirements) {
            const merged = d.approval!.requirements.find((m) => m.team === r.team);
            expect(merged?.approvers).toBeGreaterThanOrEqual(r.approvers);
          }
        }
      }),
      RUNS,
    );
  });

  it("every rule is accounted for exactly once, as matched or not matched", () => {
    fc.assert(
      fc.property(policies, intent, (list, i) => {
        const d = evaluate(list, i);
        const total = list.reduce((n, p) => n + p.document.rules.length, 0);
        expect(d.matched.length + d.notMatched.length).toBe(total);
        if (d.decision === "deny" && d.reason === "denied_by_rule") expect(d.decidedBy.every((r) => r.effect === "deny")).toBe(true);
        if (d.decision !== "deny") expect(d.matched.some((r) => r.effect === "deny")).toBe(false);
      }),
      RUNS,
    );
  });
});
