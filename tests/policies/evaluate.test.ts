/**
 * Decision semantics: default deny, deny overrides, targets, action and resource patterns,
 * approval merging, and the explanation every decision carries.
 */
import { describe, expect, it } from "vitest";
import { compilePolicies, describeFailure, evaluate, policyDigest, PolicyValidationError, type PolicyDocument } from "@/lib/policies";
import { decide, doc, input, published, rule } from "./helpers";

describe("default deny", () => {
  it("denies when no policy exists", () => {
    const d = evaluate([], input());
    expect(d).toMatchObject({ decision: "deny", reason: "no_applicable_policy", decidedBy: [], matched: [], notMatched: [], policies: [] });
  });

  it("denies when no policy targets the machine, and says so for every rule", () => {
    const d = evaluate([published([rule({ id: "a" }), rule({ id: "b" })], { targets: { machines: ["other"] } })], input());
    expect(d.reason).toBe("no_applicable_policy");
    expect(d.policies).toEqual([expect.objectContaining({ id: "pol1", applies: false })]);
    expect(d.notMatched.map((m) => [m.ruleId, m.failed.kind])).toEqual([
      ["a", "target"],
      ["b", "target"],
    ]);
  });

  it("denies when a policy applies but no rule matches", () => {
    const d = decide([rule({ actions: ["deploy.run"] })]);
    expect(d).toMatchObject({ decision: "deny", reason: "default_deny" });
    expect(d.message).toContain("default deny");
  });

  it("denies with a policy that has no rules", () => {
    expect(decide([]).reason).toBe("default_deny");
  });
});

describe("deny overrides allow", () => {
  const allow = rule({ id: "allow-all" });
  const deny = rule({ id: "deny-transfers", effect: "deny", actions: ["payments.transfer"] });

  it.each([
    ["deny after allow", [allow, deny]],
    ["deny before allow", [deny, allow]],
  ])("%s", (_name, rules) => {
    const d = decide(rules);
    expect(d).toMatchObject({ decision: "deny", reason: "denied_by_rule" });
    expect(d.decidedBy.map((r) => r.ruleId)).toEqual(["deny-transfers"]);
    expect(d.matched.map((r) => r.ruleId).sort()).toEqual(["allow-all", "deny-transfers"]);
  });

  it("across policies, whatever their order", () => {
    const a = published([allow], { id: "A" });
    const b = published([deny], { id: "B" });
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      expect(evaluate(order, input()).decision).toBe("deny");
    }
  });

  it("a deny rule with approval on an allow elsewhere still denies", () => {
    const withApproval = rule({ id: "a", approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } });
    expect(decide([withApproval, deny]).decision).toBe("deny");
  });

  it("lists every deny rule that applied", () => {
    const d = decide([deny, rule({ id: "deny-2", effect: "deny" }), allow]);
    expect(d.decidedBy.map((r) => r.ruleId)).toEqual(["deny-transfers", "deny-2"]);
  });
});

describe("targets", () => {
  const machine = { id: "m1", tags: ["env:prod", "team:payments", "region:eu"] };
  it.each([
    [{ all: true }, true],
    [{ all: false, machines: ["m1"] }, true],
    [{ machines: ["m2", "m1"] }, true],
    [{ machines: ["m2"] }, false],
    [{ tagSelectors: [["env:prod"]] }, true],
    [{ tagSelectors: [["env:prod", "team:payments"]] }, true],
    [{ tagSelectors: [["env:prod", "team:billing"]] }, false],
    [{ tagSelectors: [["team:billing"], ["region:eu"]] }, true],
    [{ tagSelectors: [["ENV:PROD"]] }, false],
    [{ machines: ["m2"], tagSelectors: [["region:eu"]] }, true],
  ] as [PolicyDocument["targets"], boolean][])("%j applies: %s", (targets, applies) => {
    const d = evaluate([published([rule()], { targets })], input({ machine }));
    expect(d.decision).toBe(applies ? "allow" : "deny");
    expect(d.policies[0]!.applies).toBe(applies);
  });
});

describe("actions", () => {
  it.each([
    [["payments.transfer"], "payments.transfer", true],
    [["payments.transfer"], "payments.transfers", false],
    [["payments.transfer"], "Payments.transfer", false],
    [["payments.*"], "payments.transfer", true],
    [["payments.*"], "payments.refund.partial", true],
    [["payments.*"], "payments", false],
    [["payments.*"], "paymentsx.transfer", false],
    [["*"], "anything.at.all", true],
    [["deploy.run", "payments.*"], "payments.refund", true],
    [["deploy.run", "payments.refund"], "payments.transfer", false],
  ] as const)("%j vs %s: %s", (actions, action, ok) => {
    const d = decide([rule({ actions: [...actions] })], { action });
    expect(d.decision).toBe(ok ? "allow" : "deny");
    if (!ok) expect(d.notMatched[0]!.failed).toEqual({ kind: "action", problem: "mismatch", expected: actions, actual: action });
  });
});

describe("resources", () => {
  it.each([
    [["accounts/acme/payouts"], "accounts/acme/payouts", true],
    [["accounts/*/payouts"], "accounts/acme/payouts", true],
    [["accounts/*/payouts"], "accounts/acme/eu/payouts", false],
    [["accounts/**/payouts"], "accounts/acme/eu/payouts", true],
    [["accounts/**"], "accounts/acme/payouts", true],
    [["**"], "anything/at/all", true],
    [["accounts/acme/*"], "accounts/other/payouts", false],
  ] as const)("%j vs %s: %s", (resources, resource, ok) => {
    expect(decide([rule({ resources: [...resources] })], { resource }).decision).toBe(ok ? "allow" : "deny");
  });

  it("a resource too long for wildcard matching never satisfies an allow rule and always a deny rule", () => {
    const resource = `accounts/${"a".repeat(2000)}`;
    const allow = decide([rule({ resources: ["accounts/*"] })], { resource });
    expect(allow.notMatched[0]!.failed).toMatchObject({ kind: "resource", problem: "too_long" });
    const deny = decide([rule({ id: "any" }), rule({ id: "d", effect: "deny", resources: ["accounts/*"] })], { resource });
    expect(deny.decision).toBe("deny");
    expect(decide([rule({ resources: ["**"] })], { resource }).decision).toBe("allow");
  });
});

describe("approval obligations", () => {
  const approval = (requirements: { approvers: number; team?: string }[], expiresInSeconds: number, executionWindowSeconds?: number) => ({ requirements, expiresInSeconds, ...(executionWindowSeconds ? { executionWindowSeconds } : {}) });

  it("an allow rule with approval gives allow_with_approval", () => {
    const d = decide([rule({ id: "big", approval: approval([{ approvers: 2, team: "finance" }], 3600, 300) })]);
    expect(d).toMatchObject({ decision: "allow_with_approval", reason: "approval_required", approval: { requirements: [{ approvers: 2, team: "finance" }], expiresInSeconds: 3600, executionWindowSeconds: 300 } });
    expect(d.message).toContain("2 approvers from \"finance\"");
  });

  it("merges the obligations of every matching allow rule, strictest wins", () => {
    const d = decide([
      rule({ id: "a", approval: approval([{ approvers: 1, team: "security" }, { approvers: 1 }], 3600) }),
      rule({ id: "b", approval: approval([{ approvers: 2, team: "security" }, { approvers: 1, team: "finance" }], 600, 900) }),
      rule({ id: "c", approval: approval([{ approvers: 3 }], 7200, 300) }),
      rule({ id: "plain" }),
    ]);
    expect(d.approval).toEqual({
      requirements: [{ approvers: 3 }, { approvers: 1, team: "finance" }, { approvers: 2, team: "security" }],
      expiresInSeconds: 600,
      executionWindowSeconds: 300,
    });
    expect(d.decidedBy.map((r) => r.ruleId)).toEqual(["a", "b", "c", "plain"]);
  });

  it("an approval rule that does not match adds nothing", () => {
    const d = decide([rule({ id: "plain" }), rule({ id: "big", conditions: [{ field: "params.amount", operator: "gt", value: 1000 }], approval: approval([{ approvers: 2 }], 600) })], { params: { amount: 10 } });
    expect(d.decision).toBe("allow");
    expect(d).not.toHaveProperty("approval");
  });
});

describe("explanations", () => {
  const rules = [
    rule({ id: "wrong-action", actions: ["deploy.*"] }),
    rule({ id: "wrong-resource", resources: ["accounts/other/**"] }),
    rule({ id: "too-big", conditions: [{ field: "params.currency", operator: "eq", value: "EUR" }, { field: "params.amount", operator: "lte", value: 1000 }] }),
  ];

  it("names the first failed check of every rule that did not match", () => {
    const d = decide(rules, { params: { currency: "EUR", amount: 5000 } });
    expect(d.notMatched).toEqual([
      { policyId: "pol1", policyVersion: 1, ruleId: "wrong-action", effect: "allow", failed: { kind: "action", problem: "mismatch", expected: ["deploy.*"], actual: "payments.transfer" } },
      { policyId: "pol1", policyVersion: 1, ruleId: "wrong-resource", effect: "allow", failed: { kind: "resource", problem: "mismatch", expected: ["accounts/other/**"], actual: "accounts/acme/payouts" } },
      { policyId: "pol1", policyVersion: 1, ruleId: "too-big", effect: "allow", failed: { kind: "condition", index: 1, field: "params.amount", operator: "lte", expected: 1000, actual: 5000, problem: "mismatch" } },
    ]);
  });

  it("words each failure", () => {
    const d = decide(rules, { params: { currency: "EUR", amount: 5000 } });
    expect(d.notMatched.map((m) => describeFailure(m.failed))).toEqual([
      'The action "payments.transfer" is not among "deploy.*".',
      'The resource "accounts/acme/payouts" matches none of "accounts/other/**".',
      "params.amount is 5000, but the rule requires it to be at most 1000.",
    ]);
  });

  it("shortens long machine-supplied values in sentences", () => {
    const d = decide([rule({ conditions: [{ field: "params.note", operator: "eq", value: "x" }] })], { params: { note: "<b>".repeat(100) } });
    const text = describeFailure(d.notMatched[0]!.failed);
    expect(text.length).toBeLessThan(200);
    expect(text).toContain("…");
  });

  it("names the policies consulted, with version and digest", () => {
    const p = published([rule()], { id: "payments", version: 7 });
    const d = evaluate([p], input());
    expect(d.policies).toEqual([{ id: "payments", version: 7, name: "Test policy", digest: policyDigest(p.document), applies: true }]);
    expect(d.decidedBy).toEqual([{ policyId: "payments", policyVersion: 7, ruleId: "r1", effect: "allow" }]);
    expect(d.message).toBe('Allowed by rule "r1" of "Test policy" v7.');
  });
});

describe("compilation and purity", () => {
  it("compilePolicies refuses an invalid document", () => {
    const bad = { id: "x", version: 1, document: { ...doc([rule()]), format: "pteri.policy/v0" } } as never;
    expect(() => compilePolicies([bad])).toThrow(PolicyValidationError);
  });

  it("compilePolicies refuses two versions of one policy (decisions and rate counts name rules by policy id)", () => {
    expect(() => compilePolicies([published([rule()], { version: 1 }), published([rule()], { version: 2 })])).toThrow(/given twice/);
  });

  it("the digest ignores members left undefined (an editor's cleared field)", () => {
    const plain = doc([rule()]);
    expect(policyDigest({ ...plain, description: undefined, rules: [{ ...rule(), conditions: undefined }] })).toBe(policyDigest(plain));
  });

  it("a compiled set gives the same decisions as compiling on every call", () => {
    const policies = [published([rule({ id: "a", actions: ["payments.*"] }), rule({ id: "d", effect: "deny", resources: ["accounts/blocked/**"] })])];
    const set = compilePolicies(policies);
    for (const resource of ["accounts/acme/payouts", "accounts/blocked/x"]) {
      expect(evaluate(set, input({ resource }))).toEqual(evaluate(policies, input({ resource })));
    }
  });

  it("does not modify its inputs", () => {
    const p = published([rule({ conditions: [{ field: "params.a", operator: "in", value: [1, 2] }] })]);
    const i = input({ params: { a: 1, nested: { b: [1] } } });
    const before = JSON.stringify([p, i]);
    evaluate([p], i);
    expect(JSON.stringify([p, i])).toBe(before);
  });
});
