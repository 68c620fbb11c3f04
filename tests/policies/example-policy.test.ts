// The policy the README walkthrough imports (examples/resource-service/policy.json) is valid and
// decides the walkthrough's payout as the README says: two approvers, ten minutes to execute.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compilePolicies, evaluate, parsePolicy } from "../../lib/policies";

const file = path.resolve(import.meta.dirname, "../../examples/resource-service/policy.json");
const set = compilePolicies([{ id: "payments", version: 1, document: parsePolicy(JSON.parse(fs.readFileSync(file, "utf8"))) }]);
const payout = (tags: string[], action = "payments.transfer") =>
  evaluate(set, { machine: { id: "m1", tags }, action, resource: "accounts/42/payouts", params: { amount: 5000, currency: "EUR" }, context: { now: new Date() }, rateCounts: {} });

describe("the walkthrough's example policy", () => {
  it("holds a payout by a payments machine for two approvers, executable for ten minutes", () => {
    const decision = payout(["payments"]);
    expect(decision.decision).toBe("allow_with_approval");
    expect(decision.approval).toMatchObject({ requirements: [{ approvers: 2 }], executionWindowSeconds: 600 });
  });

  it("denies machines without the tag and other actions", () => {
    expect(payout(["ci"]).decision).toBe("deny");
    expect(payout(["payments"], "payments.refund").decision).toBe("deny");
  });
});
