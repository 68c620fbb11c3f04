/**
 * pteri policy test: policy as code for CI. Evaluates a suite of intents against policy files
 * with the same pure engine as the Console (lib/policies), offline and deterministically (the
 * time is part of each case), and fails on any decision that differs from the expected one,
 * explaining the decision: the rules that decided, and why each other rule did not apply.
 */
import {
  compilePolicies,
  describeFailure,
  describeObligation,
  evaluate,
  validatePolicy,
  type Decision,
  type DecisionKind,
  type DecisionReason,
  type PolicyDocument,
  type PolicyIssue,
  type RateCounts,
  type RuleRef,
} from "../../policies";
import { defineCommand } from "../command";
import { CliError, EXIT, UsageError } from "../errors";
import { printError, printJson, printLine } from "../output";
import { CasesError, jsonPath, parseCases, parseInstant, type TestCase } from "./policy-cases";
import { readJsonFile } from "./policy-json";

const NAME = "policy test";
/** Policy files per run (plus the cases file). */
const MAX_POLICY_FILES = 256;

interface LoadedPolicy {
  /** The engine's policy id: the file, with `[i]` for a document of an array. */
  id: string;
  file: string;
  index?: number;
  document: PolicyDocument;
}

type FileIssue = PolicyIssue & { file: string; index?: number };

function loadPolicies(files: readonly string[]): { policies: LoadedPolicy[]; issues: FileIssue[] } {
  const policies: LoadedPolicy[] = [];
  const issues: FileIssue[] = [];
  for (const file of files) {
    const json = readJsonFile(file, "policy file");
    const many = Array.isArray(json);
    const docs: unknown[] = many ? json : [json];
    if (docs.some((d) => d !== null && typeof d === "object" && "expect" in d)) {
      throw new UsageError(`${file} looks like a cases file, not a policy; the cases file is the last argument (or --cases FILE)`, NAME);
    }
    if (many && docs.length === 0) issues.push({ file, path: [], pointer: "", at: "(document)", message: "The file holds an empty array: no policy to test." });
    docs.forEach((doc, index) => {
      const id = many ? `${file}[${index}]` : file;
      const result = validatePolicy(doc);
      if (result.ok) policies.push({ id, file, ...(many ? { index } : {}), document: result.document });
      else for (const issue of result.issues) issues.push({ ...issue, file, ...(many ? { index } : {}) });
    });
  }
  return { policies, issues };
}

function issueLine(i: FileIssue): string {
  return `${i.file}${i.index === undefined ? "" : `[${i.index}]`}: ${i.at}: ${i.message}`;
}

/** Rate counts are written by policy name in the cases file; the engine keys them by policy id. */
function rateCountsById(c: TestCase, caseIndex: number, policies: readonly LoadedPolicy[]): RateCounts | undefined {
  if (!c.rateCounts) return undefined;
  const out: Record<string, Record<string, number>> = {};
  for (const [name, byRule] of Object.entries(c.rateCounts)) {
    const at = jsonPath([caseIndex, "rateCounts", name]);
    const named = policies.filter((p) => p.document.name === name);
    if (named.length === 0) throw new CasesError(at, `No policy is named ${JSON.stringify(name)}; rate counts are keyed by policy name, then rule id.`);
    if (named.length > 1) throw new CasesError(at, `${named.length} policies are named ${JSON.stringify(name)} (${named.map((p) => p.id).join(", ")}); give them distinct names to count their rules.`);
    const policy = named[0]!;
    for (const ruleId of Object.keys(byRule)) {
      const rule = policy.document.rules.find((r) => r.id === ruleId);
      if (!rule?.rateLimit) {
        throw new CasesError(jsonPath([caseIndex, "rateCounts", name, ruleId]), `Policy ${JSON.stringify(name)} has no ${rule ? "rate limit on rule" : "rule"} ${JSON.stringify(ruleId)}.`);
      }
    }
    out[policy.id] = { ...byRule };
  }
  return out;
}

interface Expected {
  decision: DecisionKind;
  reason?: DecisionReason;
  approvals?: number;
}

interface CaseResult {
  name: string;
  pass: boolean;
  /** What differs: "decision", "reason", "approvals". */
  mismatches: ("decision" | "reason" | "approvals")[];
  expected: Expected;
  actual: { decision: DecisionKind; reason: DecisionReason; approvals: number };
  /** The engine's decision; each not-matched rule also in words. */
  explanation: Decision & { notMatched: (Decision["notMatched"][number] & { description: string })[] };
}

function runCase(c: TestCase, index: number, policies: readonly LoadedPolicy[], set: ReturnType<typeof compilePolicies>): CaseResult {
  const rateCounts = rateCountsById(c, index, policies);
  const decision = evaluate(set, {
    machine: { id: c.machine.id, tags: c.machine.tags ?? [] },
    action: c.action,
    resource: c.resource,
    params: c.params === undefined ? {} : c.params,
    context: { now: c.now, ...(c.context?.sourceAddress !== undefined ? { sourceAddress: c.context.sourceAddress } : {}) },
    ...(rateCounts ? { rateCounts } : {}),
  });
  const approvals = decision.approval?.requirements.reduce((n, r) => n + r.approvers, 0) ?? 0;
  const actual = { decision: decision.decision, reason: decision.reason, approvals };
  const expected: Expected = { decision: c.expect.decision, ...(c.expect.reason ? { reason: c.expect.reason } : {}), ...(c.expect.approvals !== undefined ? { approvals: c.expect.approvals } : {}) };
  const mismatches: CaseResult["mismatches"] = [];
  if (expected.decision !== actual.decision) mismatches.push("decision");
  if (expected.reason !== undefined && expected.reason !== actual.reason) mismatches.push("reason");
  if (expected.approvals !== undefined && expected.approvals !== actual.approvals) mismatches.push("approvals");
  const explanation = { ...decision, notMatched: decision.notMatched.map((m) => ({ ...m, description: describeFailure(m.failed) })) };
  return { name: c.name, pass: mismatches.length === 0, mismatches, expected, actual, explanation };
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

function expectedText(e: Expected): string {
  return [e.decision, e.reason && `reason ${e.reason}`, e.approvals !== undefined && plural(e.approvals, "approval")].filter(Boolean).join(", ");
}

function explain(r: CaseResult, labels: ReadonlyMap<string, string>): string[] {
  const d = r.explanation;
  const rule = (ref: RuleRef) => `rule ${JSON.stringify(ref.ruleId)} of ${labels.get(ref.policyId) ?? ref.policyId}`;
  const showApprovals = r.expected.approvals !== undefined || d.decision === "allow_with_approval";
  const lines = [
    `expected: ${expectedText(r.expected)}`,
    `actual:   ${d.decision}, reason ${d.reason}${showApprovals ? `, ${plural(r.actual.approvals, "approval")}` : ""}`,
  ];
  if (d.decidedBy.length > 0) {
    for (const m of d.decidedBy) lines.push(`decided by ${rule(m)} (${m.effect})${m.undecided ? `, which applies because a check cannot be decided: ${describeFailure(m.undecided)}` : ""}`);
  } else if (d.reason === "rate_limited") lines.push("decided by: an allow rule would apply, but its rate limit is used up (default deny)");
  else if (d.reason === "no_applicable_policy") lines.push("decided by: no policy targets this machine (default deny)");
  else lines.push("decided by: no rule allows this (default deny)");
  if (d.approval) lines.push(`approval: ${describeObligation(d.approval)}`);
  const notMatched: string[] = [];
  let otherActions = 0;
  const untargeted = new Map<string, number>();
  for (const m of d.notMatched) {
    if (m.failed.kind === "action") otherActions++;
    else if (m.failed.kind === "target") untargeted.set(m.policyId, (untargeted.get(m.policyId) ?? 0) + 1);
    else notMatched.push(`  ${rule(m)} (${m.effect}): ${m.description}`);
  }
  for (const [id, n] of untargeted) notMatched.push(`  policy ${labels.get(id) ?? id} does not target this machine (${plural(n, "rule")})`);
  if (otherActions > 0) notMatched.push(`  ${plural(otherActions, "other rule")} ${otherActions === 1 ? "is" : "are"} for other actions`);
  if (notMatched.length > 0) lines.push("not matched:", ...notMatched);
  return lines;
}

/** `"Payments"`, with the file when two policies share a name. */
function policyLabels(policies: readonly LoadedPolicy[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const p of policies) count.set(p.document.name, (count.get(p.document.name) ?? 0) + 1);
  return new Map(policies.map((p) => [p.id, `${JSON.stringify(p.document.name)}${(count.get(p.document.name) ?? 0) > 1 ? ` (${p.id})` : ""}`]));
}

export const policyTest = defineCommand({
  name: NAME,
  summary: "Test policy files against expected decisions, offline (policy as code, for CI)",
  description:
    "Evaluates every case of CASES.json (an intent and the decision it must get) against the\n" +
    "pteri.policy/v1 documents in the POLICY files, with the same engine as the Console, offline\n" +
    "and deterministically: the time is part of each case. Every failure is explained: the rules\n" +
    "that decided, and why each other rule did not apply. The format: docs/cli.md.",
  usage: "policy test POLICY.json [POLICY.json…] CASES.json [--now TIME] [--json]\n       pteri policy test POLICY.json… --cases CASES.json [--now TIME] [--json]",
  help: `Arguments:
  POLICY.json          A pteri.policy/v1 document, or a JSON array of them. Give several files
                       to test policies together (any matching deny rule in any policy wins).
  CASES.json           The last argument: a JSON array of cases, each
                         { "name", "machine": { "id", "tags"? }, "action", "resource", "params"?,
                           "context"?: { "now"?, "sourceAddress"? }, "rateCounts"?,
                           "expect": { "decision", "reason"?, "approvals"? } }

Options:
  --cases FILE         The cases file; then every argument is a policy file
  --now TIME           The time for cases without context.now (RFC 3339 with offset,
                       e.g. 2026-12-04T10:00:00Z); evaluation never reads the clock

Example:
  pteri policy test policies/payments.json policies/crypto.json policy-cases.json

Exit status: 0 when every case gets its expected decision, 1 when one does not or a policy is
invalid (every problem, one line each, on stderr), 2 on a usage error (missing or unreadable
file, JSON syntax error with line and column, a malformed cases file with the JSON path).`,
  options: { cases: { type: "string" }, now: { type: "string" } },
  maxPositionals: MAX_POLICY_FILES + 1,
  async run({ values, positionals }) {
    let policyFiles = positionals;
    let casesFile = values.cases;
    if (casesFile === undefined) {
      if (positionals.length < 2) throw new UsageError(positionals.length === 0 ? "missing POLICY.json and CASES.json" : "missing CASES.json (the last argument), or give it with --cases FILE", NAME);
      casesFile = positionals.at(-1)!;
      policyFiles = positionals.slice(0, -1);
    } else if (casesFile === "") throw new UsageError("--cases needs a file", NAME);
    if (policyFiles.length === 0) throw new UsageError("missing POLICY.json", NAME);
    if (policyFiles.length > MAX_POLICY_FILES) throw new UsageError(`at most ${MAX_POLICY_FILES} policy files`, NAME);
    const twice = policyFiles.find((f, i) => policyFiles.indexOf(f) !== i);
    if (twice !== undefined) throw new UsageError(`policy file ${twice} is given twice`, NAME);
    let defaultNow: Date | undefined;
    if (values.now !== undefined) {
      defaultNow = parseInstant(values.now) ?? undefined;
      if (!defaultNow) throw new UsageError(`--now must be an RFC 3339 date-time with an offset, like 2026-12-04T10:00:00Z; got ${JSON.stringify(values.now)}`, NAME);
    }

    // Everything is read before anything is judged: a missing or malformed file is exit 2.
    const casesJson = readJsonFile(casesFile, "cases file");
    const { policies, issues } = loadPolicies(policyFiles);
    let cases: TestCase[];
    try {
      cases = parseCases(casesJson, defaultNow);
    } catch (error) {
      if (error instanceof CasesError) throw new CliError(`${casesFile}: ${error.message}`, EXIT.usage);
      throw error;
    }

    if (issues.length > 0) {
      if (values.json) printJson({ ok: false, error: "invalid_policy", issues });
      for (const issue of issues) printError(issueLine(issue));
      const files = new Set(issues.map((i) => i.file)).size;
      printError(`${plural(issues.length, "problem")} in ${plural(files, "policy file")}; no case was evaluated`);
      return EXIT.failure;
    }

    const set = compilePolicies(policies.map((p) => ({ id: p.id, version: 1, document: p.document })));
    let results: CaseResult[];
    try {
      results = cases.map((c, i) => runCase(c, i, policies, set));
    } catch (error) {
      if (error instanceof CasesError) throw new CliError(`${casesFile}: ${error.message}`, EXIT.usage);
      throw error;
    }
    const failed = results.filter((r) => !r.pass).length;
    const passed = results.length - failed;

    if (values.json) {
      printJson({
        ok: failed === 0,
        total: results.length,
        passed,
        failed,
        policies: set.policies.map((p) => {
          const loaded = policies.find((l) => l.id === p.id)!;
          return { id: p.id, file: loaded.file, ...(loaded.index !== undefined ? { index: loaded.index } : {}), name: p.name, digest: p.digest };
        }),
        cases: results,
      });
    } else {
      const labels = policyLabels(policies);
      for (const r of results) {
        printLine(`${r.pass ? "PASS" : "FAIL"}  ${r.name}`);
        if (!r.pass) for (const line of explain(r, labels)) printLine(`      ${line}`);
      }
      printLine(`${plural(results.length, "case")}: ${passed} passed${failed > 0 ? `, ${failed} failed` : ""} (${plural(policies.length, "policy", "policies")} from ${plural(policyFiles.length, "file")}).`);
    }
    if (failed > 0) printError(`${failed} of ${plural(results.length, "case")} did not get the expected decision`);
    return failed === 0 ? EXIT.ok : EXIT.failure;
  },
});
