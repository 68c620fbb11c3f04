/**
 * Policy engine benchmark (issue 7): evaluations per second and microseconds per evaluation
 * against 10, 100 and 500 rules, plus compilePolicies (the once-per-publish cost).
 *
 * The main figures are a worst case, not a typical policy: every rule's action and resource
 * patterns match the intent, so evaluation reaches every rule's conditions (numbers, a list, a
 * glob and a bounded regex), time windows in two zones, CIDR ranges and rate limits, and the
 * decision merges the approval obligations of hundreds of allow rules. Every tenth rule is a
 * deny that never fires, so it is explained. One more figure spreads 500 rules over 50 actions
 * (an intent then reaches the conditions of 10), which is closer to real policies. A few
 * intents alternate so that no single input is all the JIT sees.
 */
import { compilePolicies, evaluate, type EvaluationInput, type PolicyRule, type PublishedPolicy, type RateCounts } from "../lib/policies";
import { opsPerSecondSync, type BenchResult } from "./result";

const MEASURE_MS = 1000;
const SIZES = [10, 100, 500];
const RULES_PER_POLICY = 50;
/** Resource patterns that all match accounts/acme/payouts, so rules do not share one pattern. */
const RESOURCES = ["accounts/*/payouts", "accounts/a*/payouts", "accounts/*/pay*", "accounts/**/payouts", "*/acme/*", "accounts/acme/*outs", "accounts/?cme/payouts"];

function rule(i: number, action: (i: number) => string): PolicyRule {
  if (i % 10 === 9) {
    return { id: `deny-${i}`, effect: "deny", actions: [action(i)], resources: ["accounts/**"], conditions: [{ field: "params.amount", operator: "gt", value: 1e9 }] };
  }
  return {
    id: `allow-${i}`,
    effect: "allow",
    actions: [`svc${i}.read`, action(i)],
    resources: [`accounts/acme-${i}/**`, RESOURCES[i % RESOURCES.length]!],
    conditions: [
      { field: "params.amount", operator: "lte", value: 1_000_000 + i },
      { field: "params.currency", operator: "in", value: ["EUR", "USD", "GBP", "CHF"] },
      { field: "params.reference", operator: "regex", value: "INV-[0-9]{4,10}" },
      { field: "params.beneficiary.email", operator: "glob", value: "*@example.com" },
    ],
    context: {
      time: { timeZone: i % 2 === 0 ? "Europe/Berlin" : "America/New_York", windows: [{ from: "00:00", to: "24:00" }] },
      ...(i % 4 === 0 ? { sourceAddresses: ["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32"] } : {}),
    },
    ...(i % 7 === 0 ? { rateLimit: { max: 1000, windowSeconds: 3600 } } : {}),
    ...(i % 5 === 0 ? { approval: { requirements: [{ approvers: 1 + (i % 3), team: i % 2 === 0 ? "finance" : "security" }], expiresInSeconds: 3600 + i } } : {}),
  };
}

/** Every rule reaches every check (worst case). */
const ALL_MATCH = (i: number) => (i % 2 === 0 ? "payments.*" : "payments.transfer");
/** Rules spread over 50 actions; the benchmark's intents ask for payments.transfer (i % 50 === 7). */
const SPREAD = (i: number) => (i % 50 === 7 ? "payments.transfer" : `svc${i % 50}.write`);

function policies(count: number, action: (i: number) => string): PublishedPolicy[] {
  const out: PublishedPolicy[] = [];
  for (let start = 0; start < count; start += RULES_PER_POLICY) {
    const rules = Array.from({ length: Math.min(RULES_PER_POLICY, count - start) }, (_, k) => rule(start + k, action));
    out.push({ id: `policy-${start / RULES_PER_POLICY}`, version: 1, document: { format: "pteri.policy/v1", name: `Bench ${start}`, targets: { tagSelectors: [["env:prod"]] }, rules } });
  }
  return out;
}

function rateCounts(list: PublishedPolicy[]): RateCounts {
  return Object.fromEntries(list.map((p) => [p.id, Object.fromEntries(p.document.rules.filter((r) => r.rateLimit).map((r) => [r.id, 10]))]));
}

function intents(list: PublishedPolicy[]): EvaluationInput[] {
  const counts = rateCounts(list);
  return [1200, 99, 450_000].map((amount, k) => ({
    machine: { id: "m-bench", tags: ["env:prod", "team:payments"] },
    action: "payments.transfer",
    resource: "accounts/acme/payouts",
    params: { amount, currency: k === 1 ? "USD" : "EUR", reference: `INV-${1000 + k}`, beneficiary: { email: "payee@example.com" } },
    context: { now: new Date(Date.UTC(2026, 5, 10, 12, k)), sourceAddress: "192.0.2.10" },
    rateCounts: counts,
  }));
}

function measure(name: string, list: PublishedPolicy[], withoutExplanations = false): BenchResult[] {
  const set = compilePolicies(list);
  const inputs = intents(list);
  const first = evaluate(set, inputs[0]!);
  if (first.decision === "deny") throw new Error(`bench: ${name} was denied: ${first.message}`);
  let n = 0;
  const rate = opsPerSecondSync(MEASURE_MS, () => evaluate(set, inputs[n++ % inputs.length]!), 16);
  const results: BenchResult[] = [
    { name: `evaluate, ${name}`, value: rate, unit: "ops/s", note: `${first.matched.length} rules match, ${first.notMatched.length} explained` },
    { name: `evaluate, ${name}, per evaluation`, value: 1e6 / rate, unit: "µs" },
  ];
  if (withoutExplanations) {
    const lean = opsPerSecondSync(MEASURE_MS, () => evaluate(set, inputs[n++ % inputs.length]!, { explain: false }), 16);
    results.push({ name: `evaluate, ${name}, explain: false, per evaluation`, value: 1e6 / lean, unit: "µs", note: `${Math.round(lean).toLocaleString("en-US")} ops/s` });
  }
  return results;
}

function compileCost(size: number): BenchResult {
  const list = policies(size, ALL_MATCH);
  compilePolicies(list); // warm
  const rate = opsPerSecondSync(MEASURE_MS, () => compilePolicies(list), 1);
  return { name: `compilePolicies, ${size} rules`, value: 1000 / rate, unit: "ms", note: "validation, digest, matchers: once per publish" };
}

export async function benchPolicies(): Promise<BenchResult[]> {
  return [
    ...SIZES.flatMap((size) => measure(`${size} rules, all reach every check`, policies(size, ALL_MATCH), size === 500)),
    ...measure("500 rules over 50 actions", policies(500, SPREAD), true),
    compileCost(500),
  ];
}
