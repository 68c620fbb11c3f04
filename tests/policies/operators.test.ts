/**
 * Every condition operator, table-driven: what holds, what is a mismatch, and what cannot be
 * decided (missing, wrong type, too long), and how each outcome plays in an allow rule and in
 * a deny rule (undecided denies apply).
 */
import { describe, expect, it } from "vitest";
import type { ConditionProblem, PolicyCondition } from "@/lib/policies";
import { decide, rule } from "./helpers";

type Outcome = "holds" | ConditionProblem;
type Row = [PolicyCondition["operator"], unknown, unknown, Outcome];

const ABSENT = Symbol("absent");
const long = "x".repeat(1025);

const ROWS: Row[] = [
  ["eq", "EUR", "EUR", "holds"],
  ["eq", "EUR", "USD", "mismatch"],
  ["eq", 5, 5, "holds"],
  ["eq", 5, "5", "wrong_type"],
  ["eq", true, true, "holds"],
  ["eq", true, false, "mismatch"],
  ["eq", null, null, "holds"],
  ["eq", null, 0, "wrong_type"],
  ["eq", "EUR", ["EUR"], "wrong_type"],
  ["eq", "EUR", { v: "EUR" }, "wrong_type"],
  ["eq", "EUR", ABSENT, "missing"],
  ["ne", "EUR", "USD", "holds"],
  ["ne", "EUR", "EUR", "mismatch"],
  ["ne", "EUR", 3, "wrong_type"],
  ["ne", "EUR", ABSENT, "missing"],
  ["lt", 1000, 999.99, "holds"],
  ["lt", 1000, 1000, "mismatch"],
  ["lte", 1000, 1000, "holds"],
  ["lte", 1000, 1000.01, "mismatch"],
  ["gt", 1000, 1000.01, "holds"],
  ["gt", 1000, 1000, "mismatch"],
  ["gte", 1000, 1000, "holds"],
  ["gte", 1000, 999, "mismatch"],
  ["gte", -5, -5, "holds"],
  ["lt", 1000, "5", "wrong_type"],
  ["lt", 1000, true, "wrong_type"],
  ["lt", 1000, null, "wrong_type"],
  ["gt", 1000, ABSENT, "missing"],
  ["in", ["EUR", "USD"], "USD", "holds"],
  ["in", ["EUR", "USD"], "GBP", "mismatch"],
  ["in", [1, 2, 3], 2, "holds"],
  ["in", [1, 2, 3], "2", "wrong_type"],
  ["in", [1, "a", null], null, "holds"],
  ["in", [1, "a"], "b", "mismatch"],
  ["in", ["EUR"], ABSENT, "missing"],
  ["not_in", ["EUR", "USD"], "GBP", "holds"],
  ["not_in", ["EUR", "USD"], "EUR", "mismatch"],
  ["not_in", ["EUR"], 1, "wrong_type"],
  ["not_in", ["EUR"], ABSENT, "missing"],
  ["glob", "*@example.com", "ops@example.com", "holds"],
  ["glob", "*@example.com", "ops@example.com.evil", "mismatch"],
  ["glob", "*@example.com", "a/b@example.com", "mismatch"],
  ["glob", "https://**", "https://x.test/a/b", "holds"],
  ["glob", "DE??", "DE89", "holds"],
  ["glob", "DE??", "DE8", "mismatch"],
  ["glob", "*", 5, "wrong_type"],
  ["glob", "*", long, "too_long"],
  ["glob", "*", ABSENT, "missing"],
  ["regex", "[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}", "DE89370400440532013000", "holds"],
  ["regex", "[A-Z]{2}[0-9]{2}", "xDE89", "mismatch"],
  ["regex", "[A-Z]{2}[0-9]{2}", "DE89x", "mismatch"],
  ["regex", "prod|staging", "prod", "holds"],
  ["regex", "prod|staging", "preprod", "mismatch"],
  ["regex", ".*", long, "too_long"],
  ["regex", ".*", 42, "wrong_type"],
  ["regex", ".*", ABSENT, "missing"],
  ["exists", true, 0, "holds"],
  ["exists", true, null, "holds"],
  ["exists", true, ABSENT, "mismatch"],
  ["exists", false, ABSENT, "holds"],
  ["exists", false, "", "mismatch"],
];

function params(actual: unknown) {
  return actual === ABSENT ? { other: 1 } : { field: actual };
}

function show(v: unknown): string {
  if (v === ABSENT) return "(absent)";
  const text = JSON.stringify(v);
  return text.length > 30 ? `${text.slice(0, 27)}...` : text;
}

describe.each(ROWS.map(([op, value, actual, outcome]) => ({ op, value, actual, outcome, name: `${op} ${show(value)} vs ${show(actual)}: ${outcome}` })))("$name", ({ op, value, actual, outcome }) => {
  const condition = { field: "params.field", operator: op, value } as PolicyCondition;

  it("in an allow rule: allows only when the condition holds", () => {
    const d = decide([rule({ id: "a", conditions: [condition] })], { params: params(actual) });
    if (outcome === "holds") {
      expect(d.decision).toBe("allow");
      return;
    }
    expect(d.decision).toBe("deny");
    expect(d.reason).toBe("default_deny");
    const failed = d.notMatched[0]!.failed;
    expect(failed).toMatchObject({ kind: "condition", index: 0, field: "params.field", operator: op, expected: value, problem: outcome });
    if (actual === ABSENT) expect(failed).not.toHaveProperty("actual");
    else expect(failed).toHaveProperty("actual", actual);
  });

  it("in a deny rule: denies unless the condition is decided false", () => {
    const d = decide([rule({ id: "any" }), rule({ id: "d", effect: "deny", conditions: [condition] })], { params: params(actual) });
    expect(d.decision).toBe(outcome === "mismatch" ? "allow" : "deny");
    if (outcome !== "mismatch") {
      expect(d.decidedBy.map((r) => r.ruleId)).toEqual(["d"]);
      expect(d.decidedBy[0]!.undecided?.problem).toBe(outcome === "holds" ? undefined : outcome);
    }
  });
});

describe("fields", () => {
  const amount = (field: string) => [rule({ conditions: [{ field, operator: "eq", value: 7 }] })];

  it.each([
    ["params.a.b.c", { a: { b: { c: 7 } } }, "allow"],
    ["params.items.1", { items: [1, 7] }, "allow"],
    ["params.items.01", { items: [1, 7] }, "deny"],
    ["params.items.2", { items: [1, 7] }, "deny"],
    ["params.a.b", { a: 7 }, "deny"],
    ["params.a.b", { a: null }, "deny"],
    ["params.a", { a: undefined }, "deny"],
  ] as const)("%s in %j: %s", (field, p, decision) => {
    expect(decide(amount(field), { params: p }).decision).toBe(decision);
  });

  it("reads own members only, never the prototype chain", () => {
    const d = decide([rule({ conditions: [{ field: "params.constructor", operator: "exists", value: true }] })], { params: {} });
    expect(d.decision).toBe("deny");
    const proto = decide([rule({ conditions: [{ field: "params.toString", operator: "exists", value: false }] })], { params: {} });
    expect(proto.decision).toBe("allow");
  });

  it("treats params that are not an object as having no fields", () => {
    for (const p of [null, 5, "text", [1]]) {
      expect(decide(amount("params.a"), { params: p }).notMatched[0]!.failed).toMatchObject({ problem: "missing" });
    }
  });
});

describe("combinations", () => {
  const conditions: PolicyCondition[] = [
    { field: "params.amount", operator: "gt", value: 0 },
    { field: "params.amount", operator: "lte", value: 1000 },
    { field: "params.currency", operator: "in", value: ["EUR", "USD"] },
    { field: "params.iban", operator: "regex", value: "DE[0-9]{20}" },
  ];
  const good = { amount: 500, currency: "EUR", iban: "DE89370400440532013000" };

  it.each([
    [good, "allow", undefined],
    [{ ...good, amount: 0 }, "deny", 0],
    [{ ...good, amount: 1001 }, "deny", 1],
    [{ ...good, currency: "GBP" }, "deny", 2],
    [{ ...good, iban: "FR7630006000011234567890189" }, "deny", 3],
  ] as const)("all conditions must hold (%j)", (p, decision, failedIndex) => {
    const d = decide([rule({ conditions })], { params: p });
    expect(d.decision).toBe(decision);
    if (failedIndex !== undefined) expect(d.notMatched[0]!.failed).toMatchObject({ kind: "condition", index: failedIndex });
  });

  it("reports a decided failure over an earlier undecided one", () => {
    const d = decide([rule({ conditions })], { params: { currency: "GBP", iban: "x" } });
    expect(d.notMatched[0]!.failed).toMatchObject({ index: 2, problem: "mismatch" });
  });

  it("a deny rule with one decided-false condition does not apply, even if another is undecided", () => {
    const deny = rule({ id: "d", effect: "deny", conditions: [{ field: "params.amount", operator: "gt", value: 1000 }, { field: "params.currency", operator: "eq", value: "EUR" }] });
    expect(decide([rule({ id: "any" }), deny], { params: { currency: "EUR" } }).decision).toBe("deny");
    expect(decide([rule({ id: "any" }), deny], { params: { currency: "USD" } }).decision).toBe("allow");
    expect(decide([rule({ id: "any" }), deny], { params: { amount: 50 } }).decision).toBe("allow");
  });

  it("a deny rule can refuse intents that leave a field out (exists: false)", () => {
    const rules = [rule({ id: "any" }), rule({ id: "need-amount", effect: "deny", actions: ["payments.*"], conditions: [{ field: "params.amount", operator: "exists", value: false }] })];
    expect(decide(rules, { params: {} }).decidedBy[0]!.ruleId).toBe("need-amount");
    expect(decide(rules, { params: { amount: 1 } }).decision).toBe("allow");
  });
});
