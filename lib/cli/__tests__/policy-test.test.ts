import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectOneErrorLine, runCli, tempDir } from "./run";

const FIXTURES = path.resolve(import.meta.dirname, "fixtures/policies");
const fixture = (name: string) => path.join(FIXTURES, name);
const PAYMENTS = fixture("payments.json");
const GUARDRAILS = fixture("guardrails.json");

const policyTest = (...args: string[]) => runCli(["policy", "test", ...args]);

/** Writes JSON (or raw text) to a fresh temporary file. */
function temp(name: string, content: unknown): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

const payoutMachine = { id: "payout-1", tags: ["team:payments", "env:prod"] };
const transfer = (name: string, amount: number, currency: string, expect: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  machine: payoutMachine,
  action: "payments.transfer",
  resource: "accounts/acme/payouts",
  params: { amount, currency },
  context: { now: "2026-12-04T15:00:00Z" },
  expect,
  ...extra,
});

describe("pteri policy test", () => {
  it("passes a suite: one PASS line per case, a summary, exit 0, nothing on stderr", async () => {
    const r = await policyTest(PAYMENTS, GUARDRAILS, fixture("cases.json"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "PASS  small transfer from the office on a weekday",
        "PASS  large transfer needs security and finance",
        "PASS  crypto is denied even for large transfers",
        "PASS  rate limit used up",
        "PASS  a CI machine may publish artifacts",
        "PASS  a CI machine may not transfer",
        "6 cases: 6 passed (3 policies from 2 files).",
        "",
      ].join("\n"),
    );
  });

  it("a mismatch fails (exit 1) with expected vs actual, the deciding rule and why the other rules did not match", async () => {
    const cases = temp("cases.json", [
      transfer("small transfer", 250, "EUR", { decision: "allow" }, { context: { now: "2026-12-04T15:00:00Z", sourceAddress: "10.0.0.5" }, rateCounts: { Payments: { "small-transfers": 0 } } }),
      transfer("large transfer without approval", 5000, "USD", { decision: "allow", approvals: 0 }),
    ]);
    const r = await policyTest(PAYMENTS, GUARDRAILS, cases);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toBe("pteri: 1 of 2 cases did not get the expected decision");
    expect(r.stdout).toBe(
      [
        "PASS  small transfer",
        "FAIL  large transfer without approval",
        "      expected: allow, 0 approvals",
        "      actual:   allow_with_approval, reason approval_required, 2 approvals",
        '      decided by rule "large-transfers" of "Payments" (allow)',
        '      approval: 1 approver from "finance" and 1 approver from "security" (distinct operators), within 86400 s',
        "      not matched:",
        '        rule "small-transfers" of "Payments" (allow): params.amount is 5000, but the rule requires it to be at most 1000.',
        '        rule "no-crypto" of "Guardrails" (deny): params.currency is "USD", but the rule requires it to be one of ["BTC","ETH"].',
        '        policy "Build machines" does not target this machine (1 rule)',
        "        1 other rule is for other actions",
        "2 cases: 1 passed, 1 failed (3 policies from 2 files).",
        "",
      ].join("\n"),
    );
  });

  it("checks reason and approvals only when the case states them; a wrong reason is a mismatch", async () => {
    const cases = temp("cases.json", [
      transfer("decision only", 5000, "USD", { decision: "allow_with_approval" }),
      transfer("wrong reason", 5000, "USD", { decision: "allow_with_approval", reason: "allowed" }),
      transfer("wrong approvals", 5000, "USD", { decision: "allow_with_approval", approvals: 1 }),
    ]);
    const r = await policyTest(PAYMENTS, cases);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PASS {2}decision only\nFAIL {2}wrong reason\n {6}expected: allow_with_approval, reason allowed\n/);
    expect(r.stdout).toContain("FAIL  wrong approvals\n      expected: allow_with_approval, 1 approval\n      actual:   allow_with_approval, reason approval_required, 2 approvals\n");
    expect(r.stdout).toContain("3 cases: 1 passed, 2 failed");
  });

  it("a default deny names no rule; an undecided deny rule says which check could not be decided", async () => {
    const cases = temp("cases.json", [
      { name: "unknown machine", machine: { id: "stranger" }, action: "payments.transfer", resource: "x", params: { currency: "EUR" }, context: { now: "2026-12-04T15:00:00Z" }, expect: { decision: "allow" } },
      transfer("no currency", 5000, "USD", { decision: "allow_with_approval" }, { params: { amount: 5000 } }),
    ]);
    const r = await policyTest(PAYMENTS, GUARDRAILS, cases);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("      actual:   deny, reason default_deny\n      decided by: no rule allows this (default deny)\n");
    expect(r.stdout).toContain('policy "Payments" does not target this machine (3 rules)');
    expect(r.stdout).toContain(
      '      decided by rule "no-crypto" of "Guardrails" (deny), which applies because a check cannot be decided: params.currency is missing; the rule requires it to be one of ["BTC","ETH"].\n',
    );
  });

  it("several policy files are evaluated together: a deny in one overrides an allow in another", async () => {
    const cases = temp("cases.json", [transfer("crypto", 5000, "BTC", { decision: "deny", reason: "denied_by_rule" })]);
    const both = await policyTest(PAYMENTS, GUARDRAILS, cases);
    expect(both.code).toBe(0);
    // Without the guardrails file, Payments alone allows it (with approval): the deny came from the other file.
    const alone = await policyTest(PAYMENTS, cases);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain("      expected: deny, reason denied_by_rule\n      actual:   allow_with_approval, reason approval_required, 2 approvals\n");
    // The order of the files does not matter.
    expect((await policyTest(GUARDRAILS, PAYMENTS, cases)).code).toBe(0);
  });

  it("time windows follow the policy's zone across a daylight-saving change", async () => {
    const r = await policyTest(PAYMENTS, fixture("dst-cases.json"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 cases: 3 passed (1 policy from 1 file).");
    // The same UTC time of day, the other way round, fails with the local time in the explanation.
    const cases = temp("dst.json", [
      transfer("Friday 13:30Z before DST", 250, "EUR", { decision: "allow" }, { context: { now: "2026-03-06T13:30:00Z", sourceAddress: "10.0.0.5" }, rateCounts: { Payments: { "small-transfers": 0 } } }),
    ]);
    const miss = await policyTest(PAYMENTS, cases);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toContain('rule "small-transfers" of "Payments" (allow): It is fri 08:30 in America/New_York, outside mon/tue/wed/thu/fri 09:00-17:00.');
  });

  it("--json prints a machine-readable report", async () => {
    const cases = temp("cases.json", [
      transfer("large", 5000, "USD", { decision: "allow_with_approval", approvals: 2 }),
      transfer("crypto", 5000, "BTC", { decision: "allow" }),
    ]);
    const r = await policyTest(PAYMENTS, GUARDRAILS, cases, "--json");
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toBe("pteri: 1 of 2 cases did not get the expected decision");
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(["ok", "total", "passed", "failed", "policies", "cases"]);
    expect(report).toMatchObject({ ok: false, total: 2, passed: 1, failed: 1 });
    expect(report.policies).toEqual([
      { id: PAYMENTS, file: PAYMENTS, name: "Payments", digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { id: `${GUARDRAILS}[0]`, file: GUARDRAILS, index: 0, name: "Guardrails", digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { id: `${GUARDRAILS}[1]`, file: GUARDRAILS, index: 1, name: "Build machines", digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const [large, crypto] = report.cases;
    expect(Object.keys(large)).toEqual(["name", "pass", "mismatches", "expected", "actual", "explanation"]);
    expect(large).toMatchObject({
      name: "large",
      pass: true,
      mismatches: [],
      expected: { decision: "allow_with_approval", approvals: 2 },
      actual: { decision: "allow_with_approval", reason: "approval_required", approvals: 2 },
      explanation: { decision: "allow_with_approval", decidedBy: [{ policyId: PAYMENTS, ruleId: "large-transfers", effect: "allow" }] },
    });
    expect(crypto).toMatchObject({
      pass: false,
      mismatches: ["decision"],
      actual: { decision: "deny", reason: "denied_by_rule", approvals: 0 },
      explanation: { decidedBy: [{ policyId: `${GUARDRAILS}[0]`, ruleId: "no-crypto", effect: "deny" }] },
    });
    const smallMiss = crypto.explanation.notMatched.find((m: { ruleId: string }) => m.ruleId === "small-transfers");
    expect(smallMiss).toMatchObject({ failed: { kind: "condition", field: "params.amount" }, description: "params.amount is 5000, but the rule requires it to be at most 1000." });

    const passing = JSON.parse((await policyTest(PAYMENTS, GUARDRAILS, fixture("cases.json"), "--json")).stdout);
    expect(passing).toMatchObject({ ok: true, total: 6, passed: 6, failed: 0 });
  });

  it("an invalid policy: exit 1, every problem as one line FILE: PATH: message, nothing evaluated", async () => {
    const r = await policyTest(fixture("invalid.json"), fixture("cases.json"));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const file = fixture("invalid.json");
    expect(r.stderr).toBe(
      [
        `pteri: ${file}: rules[0].actions[0]: An action is dot-separated names (payments.transfer), a prefix ending in .* (payments.*), or * for any action.`,
        `pteri: ${file}: rules[1].effect: effect must be allow or deny.`,
        `pteri: ${file}: rules[1].condtions: Unknown field "condtions".`,
        "pteri: 3 problems in 1 policy file; no case was evaluated",
        "",
      ].join("\n"),
    );
    const json = await policyTest(fixture("invalid.json"), fixture("cases.json"), "--json");
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, error: "invalid_policy" });
    expect(report.issues[0]).toEqual({
      path: ["rules", 0, "actions", 0],
      pointer: "/rules/0/actions/0",
      at: "rules[0].actions[0]",
      message: expect.stringContaining("An action is"),
      file,
    });
  });

  it("an invalid document inside an array is named by its index", async () => {
    const policies = temp("set.json", [{ format: "pteri.policy/v1", name: "ok", targets: { all: true }, rules: [] }, { format: "pteri.policy/v2", name: "x", targets: {}, rules: [] }]);
    const r = await policyTest(policies, fixture("cases.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`pteri: ${policies}[1]: format: format must be "pteri.policy/v1".\n`);
    expect(r.stderr).toContain(`pteri: ${policies}[1]: targets: Target something`);
  });

  it("a malformed cases file: exit 2 with the JSON path of the first problem", async () => {
    const r = await policyTest(PAYMENTS, fixture("malformed-cases.json"));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(expectOneErrorLine(r)).toBe(`pteri: ${fixture("malformed-cases.json")}: [1].expect.decision: decision must be one of "allow", "allow_with_approval", "deny".`);

    const base = transfer("a", 1, "EUR", { decision: "deny" });
    const problems: [unknown, string][] = [
      [[{ ...base, expcet: {} }], '[0].expcet: Unknown field "expcet".'],
      [[{ ...base, machine: { tags: ["ci"] } }], "[0].machine.id: id is required."],
      [[{ ...base, machine: { id: "m", tags: ["bad tag"] } }], "[0].machine.tags[0]: A tag is 1 to 64"],
      [[base, { ...base, name: "a" }], '[1].name: Case name "a" is already used by case [0]'],
      [[{ ...base, context: { now: "2026-12-04T10:00:00" } }], "[0].context.now: Must be an RFC 3339 date-time with an offset"],
      [[{ ...base, context: { now: "2026-02-30T10:00:00Z" } }], "[0].context.now: Must be an RFC 3339 date-time with an offset"],
      [[{ ...base, context: {} }], "[0].context.now: now is required (or give --now)"],
      [[{ ...base, rateCounts: { Payment: { "small-transfers": 1 } } }], '[0].rateCounts.Payment: No policy is named "Payment"'],
      [[{ ...base, rateCounts: { Payments: { "large-transfers": 1 } } }], '[0].rateCounts.Payments["large-transfers"]: Policy "Payments" has no rate limit on rule "large-transfers".'],
      [[{ ...base, rateCounts: { Payments: { "small-transfers": -1 } } }], '[0].rateCounts.Payments["small-transfers"]: A rate count cannot be negative.'],
      [[], "(top level): The cases file has no cases"],
      [{ cases: [] }, "(top level): The cases file must be a JSON array of cases."],
    ];
    await Promise.all(
      problems.map(async ([content, message]) => {
        const file = temp("cases.json", content);
        const bad = await policyTest(PAYMENTS, file);
        expect(bad.code, message).toBe(2);
        expect(expectOneErrorLine(bad)).toContain(`pteri: ${file}: ${message}`);
      }),
    );
  });

  it("--now is the time of cases without context.now; a case's own now wins", async () => {
    const base = transfer("in hours", 250, "EUR", { decision: "allow" }, { context: { sourceAddress: "10.0.0.5" }, rateCounts: { Payments: { "small-transfers": 0 } } });
    const cases = temp("cases.json", [base]);
    expect((await policyTest(PAYMENTS, cases, "--now", "2026-12-04T15:00:00Z")).code).toBe(0);
    expect((await policyTest(PAYMENTS, cases, "--now", "2026-12-04T10:00:00-05:00")).code).toBe(0);
    expect((await policyTest(PAYMENTS, cases, "--now", "2026-12-05T15:00:00Z")).code).toBe(1); // a Saturday
    const own = temp("own.json", [{ ...base, context: { ...base.context, now: "2026-12-05T15:00:00Z" } }]);
    expect((await policyTest(PAYMENTS, own, "--now", "2026-12-04T15:00:00Z")).code).toBe(1);
    const bad = await policyTest(PAYMENTS, cases, "--now", "tomorrow");
    expect(bad.code).toBe(2);
    expect(expectOneErrorLine(bad)).toMatch(/--now must be an RFC 3339 date-time with an offset/);
  });

  it("JSON syntax errors give the file, line and column (exit 2)", async () => {
    const r = await policyTest(PAYMENTS, fixture("syntax-error.json"));
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toBe(`pteri: ${fixture("syntax-error.json")}:4:28: not valid JSON: trailing comma before "}"`);
    const policy = temp("p.json", '{\n  "format": "pteri.policy/v1",\n  "name": \'x\'\n}\n');
    const p = await policyTest(policy, fixture("cases.json"));
    expect(p.code).toBe(2);
    expect(expectOneErrorLine(p)).toBe(`pteri: ${policy}:3:11: not valid JSON: unexpected "'", expected a value`);
    const truncated = temp("t.json", '[{"name": "a"');
    expect(expectOneErrorLine(await policyTest(PAYMENTS, truncated))).toBe(`pteri: ${truncated}:1:14: not valid JSON: unexpected end of file, expected "," or "}"`);
  });

  it("usage errors: missing files and arguments, arguments in the wrong order, --cases (exit 2)", async () => {
    const missing = await policyTest(fixture("nope.json"), fixture("cases.json"));
    expect(missing.code).toBe(2);
    expect(expectOneErrorLine(missing)).toBe(`pteri: cannot read policy file ${fixture("nope.json")}: no such file`);
    const missingCases = await policyTest(PAYMENTS, fixture("nope.json"));
    expect(expectOneErrorLine(missingCases)).toBe(`pteri: cannot read cases file ${fixture("nope.json")}: no such file`);
    const dir = await policyTest(FIXTURES, fixture("cases.json"));
    expect(expectOneErrorLine(dir)).toBe(`pteri: cannot read policy file ${FIXTURES}: it is a directory`);

    const none = await policyTest();
    expect(none.code).toBe(2);
    expect(expectOneErrorLine(none)).toBe("pteri: missing POLICY.json and CASES.json; see: pteri policy test --help");
    const one = await policyTest(PAYMENTS);
    expect(expectOneErrorLine(one)).toMatch(/missing CASES\.json \(the last argument\), or give it with --cases FILE/);
    const swapped = await policyTest(fixture("cases.json"), PAYMENTS);
    expect(swapped.code).toBe(2);
    expect(expectOneErrorLine(swapped)).toMatch(/cases\.json looks like a cases file, not a policy; the cases file is the last argument/);
    const policyAsCases = await policyTest(GUARDRAILS, PAYMENTS);
    expect(expectOneErrorLine(policyAsCases)).toContain("This is a policy document, not a cases file");
    const twice = await policyTest(PAYMENTS, PAYMENTS, fixture("cases.json"));
    expect(expectOneErrorLine(twice)).toMatch(/policy file .*payments\.json is given twice/);
    const unknown = await policyTest(PAYMENTS, fixture("cases.json"), "--verbose");
    expect(unknown.code).toBe(2);

    const withFlag = await policyTest("--cases", fixture("cases.json"), PAYMENTS, GUARDRAILS);
    expect(withFlag.code).toBe(0);
    expect(withFlag.stdout).toContain("6 cases: 6 passed (3 policies from 2 files).");
  });

  it("is listed under pteri policy and pteri --help", async () => {
    const group = await runCli(["policy", "--help"]);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/ {2}policy test {2}Test policy files against expected decisions/);
    const help = await policyTest("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pteri policy test POLICY\.json \[POLICY\.json…\] CASES\.json/);
  });
});
