/**
 * Rate limits (counts come from the caller, keyed by policy id and rule id) and approval
 * obligations (merging, and distinct approvers filling requirement slots).
 */
import { describe, expect, it } from "vitest";
import { approvalProgress, compilePolicies, evaluate, mergeApprovals, rateLimitsFor, type ApprovalObligation, type ApprovalVote, type RateCounts } from "@/lib/policies";
import { decide, input, published, rule } from "./helpers";

describe("rate limits", () => {
  const limited = rule({ id: "limited", rateLimit: { max: 3, windowSeconds: 3600 } });
  const counts = (n: number, ruleId = "limited", policyId = "pol1"): RateCounts => ({ [policyId]: { [ruleId]: n } });

  it.each([
    [0, "allow"],
    [2, "allow"],
    [3, "deny"],
    [50, "deny"],
  ])("with %i recent intents: %s", (n, decision) => {
    const d = decide([limited], { rateCounts: counts(n) });
    expect(d.decision).toBe(decision);
    if (decision === "deny") {
      expect(d.reason).toBe("rate_limited");
      expect(d.notMatched[0]!.failed).toEqual({ kind: "rate_limit", problem: "exhausted", max: 3, windowSeconds: 3600, count: n });
      expect(d.message).toContain(`rate limit is used up (${n} of 3 per 3600 s)`);
    }
  });

  it("without a count the rule does not apply (fail closed), and the explanation says why", () => {
    for (const rateCounts of [undefined, {}, counts(1, "other-rule"), counts(1, "limited", "other-policy"), { pol1: { limited: Number.NaN } }]) {
      const d = decide([limited], rateCounts ? { rateCounts } : {});
      expect(d).toMatchObject({ decision: "deny", reason: "default_deny" });
      expect(d.notMatched[0]!.failed).toMatchObject({ kind: "rate_limit", problem: "count_missing" });
    }
  });

  it("another allow rule without a limit still allows", () => {
    const d = decide([limited, rule({ id: "plain" })], { rateCounts: counts(3) });
    expect(d.decision).toBe("allow");
    expect(d.decidedBy.map((r) => r.ruleId)).toEqual(["plain"]);
  });

  it("a deny still wins over a rate-limited allow, and other failures are reported before the limit", () => {
    expect(decide([limited, rule({ id: "d", effect: "deny" })], { rateCounts: counts(0) }).reason).toBe("denied_by_rule");
    const d = decide([rule({ id: "limited", actions: ["deploy.*"], rateLimit: { max: 1, windowSeconds: 60 } })], { rateCounts: counts(5) });
    expect(d.notMatched[0]!.failed.kind).toBe("action");
    expect(d.reason).toBe("default_deny");
  });

  it("a rate limit and an approval together", () => {
    const r = rule({ id: "limited", rateLimit: { max: 1, windowSeconds: 60 }, approval: { requirements: [{ approvers: 1 }], expiresInSeconds: 600 } });
    expect(decide([r], { rateCounts: counts(0) }).decision).toBe("allow_with_approval");
    expect(decide([r], { rateCounts: counts(1) }).decision).toBe("deny");
  });

  it("rateLimitsFor lists the counts the caller must supply: rate-limited rules of applying policies whose action and resource match", () => {
    const set = compilePolicies([
      published(
        [
          limited,
          rule({ id: "deploys", actions: ["deploy.*"], rateLimit: { max: 1, windowSeconds: 60 } }),
          rule({ id: "other-account", resources: ["accounts/other/**"], rateLimit: { max: 1, windowSeconds: 60 } }),
          rule({ id: "unlimited" }),
        ],
        { id: "A" },
      ),
      published([rule({ id: "elsewhere", rateLimit: { max: 9, windowSeconds: 9 } })], { id: "B", targets: { machines: ["someone-else"] } }),
      published([rule({ id: "tagged", rateLimit: { max: 5, windowSeconds: 86400 } })], { id: "C", targets: { tagSelectors: [["env:prod"]] } }),
    ]);
    expect(rateLimitsFor(set, input())).toEqual([
      { policyId: "A", ruleId: "limited", max: 3, windowSeconds: 3600 },
      { policyId: "C", ruleId: "tagged", max: 5, windowSeconds: 86400 },
    ]);
    const d = evaluate(set, input({ rateCounts: { A: { limited: 3 }, C: { tagged: 4 } } }));
    expect(d.decidedBy.map((r) => `${r.policyId}/${r.ruleId}`)).toEqual(["A/unlimited", "C/tagged"]);
    expect(d.notMatched.find((m) => m.ruleId === "limited")!.failed).toMatchObject({ kind: "rate_limit", problem: "exhausted", count: 3 });
  });
});

describe("mergeApprovals", () => {
  it.each<[string, Parameters<typeof mergeApprovals>[0], ApprovalObligation | undefined]>([
    ["nothing to merge", [], undefined],
    ["one obligation is kept", [{ requirements: [{ approvers: 2, team: "finance" }], expiresInSeconds: 600 }], { requirements: [{ approvers: 2, team: "finance" }], expiresInSeconds: 600 }],
    [
      "same team: most approvers",
      [
        { requirements: [{ approvers: 1, team: "finance" }], expiresInSeconds: 600 },
        { requirements: [{ approvers: 3, team: "finance" }], expiresInSeconds: 900 },
      ],
      { requirements: [{ approvers: 3, team: "finance" }], expiresInSeconds: 600 },
    ],
    [
      "different teams: all of them, team-less first, then by name",
      [
        { requirements: [{ approvers: 1, team: "security" }], expiresInSeconds: 600, executionWindowSeconds: 60 },
        { requirements: [{ approvers: 1, team: "finance" }, { approvers: 2 }], expiresInSeconds: 300, executionWindowSeconds: 120 },
      ],
      { requirements: [{ approvers: 2 }, { approvers: 1, team: "finance" }, { approvers: 1, team: "security" }], expiresInSeconds: 300, executionWindowSeconds: 60 },
    ],
    [
      "an execution window given by one rule only is kept",
      [
        { requirements: [{ approvers: 1 }], expiresInSeconds: 600 },
        { requirements: [{ approvers: 1 }], expiresInSeconds: 900, executionWindowSeconds: 30 },
      ],
      { requirements: [{ approvers: 1 }], expiresInSeconds: 600, executionWindowSeconds: 30 },
    ],
  ])("%s", (_name, obligations, expected) => {
    expect(mergeApprovals(obligations)).toEqual(expected);
  });
});

describe("approvalProgress", () => {
  const securityAndFinance: ApprovalObligation = { requirements: [{ approvers: 1, team: "finance" }, { approvers: 1, team: "security" }], expiresInSeconds: 600 };
  const vote = (operatorId: string, ...teams: string[]): ApprovalVote => ({ operatorId, teams });

  it.each<[string, ApprovalObligation, ApprovalVote[], boolean]>([
    ["no votes", securityAndFinance, [], false],
    ["one from each team", securityAndFinance, [vote("ann", "finance"), vote("bob", "security")], true],
    ["one person in both teams fills only one slot", securityAndFinance, [vote("ann", "finance", "security")], false],
    ["the same person twice counts once", securityAndFinance, [vote("ann", "finance", "security"), vote("ann", "finance", "security")], false],
    ["a dual member and a finance member", securityAndFinance, [vote("ann", "finance", "security"), vote("bob", "finance")], true],
    ["order does not matter", securityAndFinance, [vote("bob", "finance"), vote("ann", "finance", "security")], true],
    ["wrong team", securityAndFinance, [vote("ann", "finance"), vote("bob", "legal")], false],
    ["two from anyone", { requirements: [{ approvers: 2 }], expiresInSeconds: 60 }, [vote("a"), vote("b")], true],
    ["two from anyone, one vote", { requirements: [{ approvers: 2 }], expiresInSeconds: 60 }, [vote("a")], false],
    ["2 from anyone and 1 from security needs three people", { requirements: [{ approvers: 2 }, { approvers: 1, team: "security" }], expiresInSeconds: 60 }, [vote("a", "security"), vote("b")], false],
    ["... and three suffice", { requirements: [{ approvers: 2 }, { approvers: 1, team: "security" }], expiresInSeconds: 60 }, [vote("a", "security"), vote("b"), vote("c")], true],
  ])("%s", (_name, obligation, votes, satisfied) => {
    expect(approvalProgress(obligation, votes).satisfied).toBe(satisfied);
  });

  it("tells who fills which requirement", () => {
    const progress = approvalProgress(securityAndFinance, [vote("ann", "finance", "security"), vote("bob", "finance")]);
    expect(progress.requirements).toEqual([
      { approvers: 1, team: "finance", approvedBy: ["bob"] },
      { approvers: 1, team: "security", approvedBy: ["ann"] },
    ]);
  });
});
