/** Small builders so each test states only what it is about. */
import { compilePolicies, evaluate, type Decision, type EvaluationInput, type PolicyDocument, type PolicyRule, type PublishedPolicy } from "@/lib/policies";

export const NOW = new Date("2026-06-10T12:00:00Z"); // a Wednesday

export function rule(partial: Partial<PolicyRule> & { id?: string } = {}): PolicyRule {
  return { id: "r1", effect: "allow", actions: ["*"], resources: ["**"], ...partial } as PolicyRule;
}

export function doc(rules: PolicyRule[], targets: PolicyDocument["targets"] = { all: true }, name = "Test policy"): PolicyDocument {
  return { format: "pteri.policy/v1", name, targets, rules };
}

export function published(rules: PolicyRule[], opts: { id?: string; version?: number; targets?: PolicyDocument["targets"] } = {}): PublishedPolicy {
  return { id: opts.id ?? "pol1", version: opts.version ?? 1, document: doc(rules, opts.targets) };
}

export function input(partial: Partial<EvaluationInput> = {}): EvaluationInput {
  return {
    machine: { id: "m1", tags: ["env:prod"] },
    action: "payments.transfer",
    resource: "accounts/acme/payouts",
    params: {},
    context: { now: NOW },
    ...partial,
  };
}

/** Evaluates rules of one policy that targets all machines. */
export function decide(rules: PolicyRule[], partial: Partial<EvaluationInput> = {}): Decision {
  return evaluate(compilePolicies([published(rules)]), input(partial));
}
