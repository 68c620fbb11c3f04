/**
 * Decisions and failures in words, for the simulator, the CLI and the approvals page.
 *
 * Kept apart from evaluation so that evaluate() never builds a sentence per rule (hundreds of
 * rules, microseconds per intent): a caller asks for the words of the failures it shows.
 * Values from the intent are quoted as JSON and shortened, never interpreted: they are
 * machine-supplied text.
 */
import type { ApprovalObligation } from "./approval";
import type { RuleRef } from "./compile";
import type { Decision, RuleMiss } from "./evaluate";
import type { MatchFailure } from "./failures";

const OPERATOR_WORDS: Record<string, string> = {
  eq: "equal",
  ne: "differ from",
  lt: "be less than",
  lte: "be at most",
  gt: "be greater than",
  gte: "be at least",
  in: "be one of",
  not_in: "be none of",
  glob: "match the pattern",
  regex: "match the regular expression",
};

/** JSON for a value, shortened to `max` characters. */
export function quote(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function list(values: readonly string[]): string {
  return values.map((v) => quote(v)).join(", ");
}

function conditionText(f: Extract<MatchFailure, { kind: "condition" }>): string {
  if (f.operator === "exists") return f.expected ? `${f.field} is missing, but the rule requires it.` : `${f.field} is present (${quote(f.actual)}), but the rule requires it to be absent.`;
  const want = `${OPERATOR_WORDS[f.operator] ?? f.operator} ${quote(f.expected)}`;
  switch (f.problem) {
    case "missing":
      return `${f.field} is missing; the rule requires it to ${want}.`;
    case "wrong_type":
      return `${f.field} is ${quote(f.actual)}, of another type than the rule compares (values are never converted); the rule requires it to ${want}.`;
    case "too_long":
      return `${f.field} is too long to match a pattern against; the rule requires it to ${want}.`;
    default:
      return `${f.field} is ${quote(f.actual)}, but the rule requires it to ${want}.`;
  }
}

/** One sentence: why the rule did not apply (or, for an undecided deny rule, why it was assumed to). */
export function describeFailure(failure: MatchFailure): string {
  switch (failure.kind) {
    case "target":
      return "The policy does not target this machine.";
    case "action":
      return `The action ${quote(failure.actual)} is not among ${list(failure.expected)}.`;
    case "resource":
      return failure.problem === "too_long" ? "The resource is too long to match a wildcard pattern against." : `The resource ${quote(failure.actual)} matches none of ${list(failure.expected)}.`;
    case "condition":
      return conditionText(failure);
    case "time":
      return `It is ${failure.actual.day} ${failure.actual.time} in ${failure.timeZone}, outside ${failure.windows.map((w) => `${w.days?.join("/") ?? "every day"} ${w.from}-${w.to}`).join(", ")}.`;
    case "source_address":
      if (failure.problem === "missing") return "The request's source address is unknown, and the rule requires one in a listed range.";
      if (failure.problem === "invalid") return `The source address ${quote(failure.actual)} is not an IP address.`;
      return `The source address ${failure.actual} is in none of ${failure.expected.join(", ")}.`;
    case "rate_limit":
      if (failure.problem === "count_missing") return `The rule allows at most ${failure.max} intents per ${failure.windowSeconds} s, and no count of recent intents was given.`;
      return `The rule allows at most ${failure.max} intents per ${failure.windowSeconds} s, and ${failure.count} were already allowed in that window.`;
  }
}

/** "2 approvers from security and 1 approver, within 3600 s; execute within 600 s of the last approval". */
export function describeObligation(o: ApprovalObligation): string {
  const parts = o.requirements.map((r) => `${r.approvers} approver${r.approvers === 1 ? "" : "s"}${r.team ? ` from ${quote(r.team)}` : ""}`);
  const window = o.executionWindowSeconds === undefined ? "" : `; execute within ${o.executionWindowSeconds} s of the last approval`;
  return `${parts.join(" and ")} (distinct operators), within ${o.expiresInSeconds} s${window}`;
}

function label(ref: RuleRef, names: ReadonlyMap<string, string>): string {
  return `rule ${quote(ref.ruleId)} of ${quote(names.get(ref.policyId) ?? ref.policyId)} v${ref.policyVersion}`;
}

/** The one-sentence summary of a decision; at most three deciding rules are named. */
export function decisionMessage(d: Pick<Decision, "reason" | "decidedBy" | "approval">, names: ReadonlyMap<string, string>, rateLimited: RuleMiss | undefined): string {
  const shown = d.decidedBy.slice(0, 3).map((r) => label(r, names));
  const more = d.decidedBy.length - shown.length;
  const rules = more > 0 ? `${shown.join(", ")} and ${more} more rule${more === 1 ? "" : "s"}` : shown.join(", ");
  switch (d.reason) {
    case "allowed":
      return `Allowed by ${rules}.`;
    case "approval_required":
      return `Allowed once approved by ${describeObligation(d.approval!)}; required by ${rules}.`;
    case "denied_by_rule": {
      const undecided = d.decidedBy.find((r) => r.undecided);
      const why = undecided ? ` A deny rule that cannot be checked applies: ${describeFailure(undecided.undecided!)}` : "";
      return `Denied by ${rules}.${why}`;
    }
    case "rate_limited": {
      const f = rateLimited!.failed as Extract<MatchFailure, { kind: "rate_limit" }>;
      return `Denied: ${label(rateLimited!, names)} would allow this, but its rate limit is used up (${f.count} of ${f.max} per ${f.windowSeconds} s).`;
    }
    case "no_applicable_policy":
      return "Denied: no policy applies to this machine (default deny).";
    default:
      return "Denied: no rule allows this (default deny).";
  }
}
