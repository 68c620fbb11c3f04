/**
 * The decision for one intent: pure, deterministic, and explained.
 *
 * Semantics (docs/policies.md): a policy applies to the machines it targets; a rule matches
 * when its action, resource, conditions, time windows, source ranges and rate limit all hold.
 * Any matching deny rule wins; otherwise the matching allow rules allow, with their approval
 * obligations merged (strictest wins); otherwise the default is deny.
 *
 * A check that cannot be decided (a missing or mistyped parameter, a value too long to match,
 * no source address, no rate count) is resolved against the requester: it keeps an allow rule
 * from applying and lets a deny rule apply. Otherwise leaving a field out, or sending `"5000"`
 * instead of 5000, would slip past a deny rule written as `params.amount gt 1000`.
 *
 * Nothing is read from outside the input, the clock included (context.now), so the simulator,
 * `pteri policy test`, impact previews and the server give the same answer for the same input.
 * Every rule is checked, in policy and rule order, so the explanation is complete.
 */
import { mergeApprovals, type ApprovalObligation } from "./approval";
import { cidrContains, parseIp, type Cidr, type IpBytes } from "./cidr";
import { actionMatches, compilePolicies, policyTargets, resourceMatches, type CompiledPolicySet, type CompiledRule, type PublishedPolicy, type RuleRef } from "./compile";
import { decisionMessage } from "./explain";
import { isUndecided, type MatchFailure } from "./failures";
import { formatClock, localTime, windowContains, type CompiledWindow, type LocalTime } from "./time";

/**
 * Counts for rate-limited rules: policy id -> rule id -> how many earlier intents of this
 * machine the rule allowed within its window (see rateLimitsFor). A rate-limited rule with no
 * count does not apply.
 */
export type RateCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface EvaluationInput {
  machine: { id: string; tags: readonly string[] };
  action: string;
  resource: string;
  /** The intent's parameters (JSON); conditions read them as `params.…`. */
  params: unknown;
  /** now: the decision time (a valid Date; time windows throw a TypeError otherwise). sourceAddress: IPv4 or IPv6. */
  context: { now: Date; sourceAddress?: string };
  rateCounts?: RateCounts;
}

export type DecisionKind = "allow" | "allow_with_approval" | "deny";
export type DecisionReason = "allowed" | "approval_required" | "denied_by_rule" | "rate_limited" | "default_deny" | "no_applicable_policy";

/**
 * A rule that applied. `undecided`: a deny rule applied only because this check could not be
 * decided. Entries without it are shared, frozen objects: copy before changing.
 */
export interface RuleMatch extends RuleRef {
  undecided?: MatchFailure;
}

/** A rule that did not apply, and the first check that failed. */
export interface RuleMiss extends RuleRef {
  failed: MatchFailure;
}

export interface ConsultedPolicy {
  id: string;
  version: number;
  name: string;
  /** policyDigest of the document: names exactly which rules were in force. */
  digest: string;
  /** Whether the policy targets the machine (its rules were checked). */
  applies: boolean;
}

export interface Decision {
  decision: DecisionKind;
  reason: DecisionReason;
  /** One sentence for people. */
  message: string;
  policies: ConsultedPolicy[];
  /** The deny rules that denied, or the allow rules that allowed; empty for a default deny. */
  decidedBy: RuleMatch[];
  /** Every rule that applied, allow and deny. */
  matched: RuleMatch[];
  /** Every other rule, with the reason (rules of policies that do not apply: kind "target"). Empty with explain: false. */
  notMatched: RuleMiss[];
  /** The merged obligation, when decision is allow_with_approval. */
  approval?: ApprovalObligation;
}

/** Per-evaluation memo: each time zone's local time and the source address are computed once. */
interface Scope {
  input: EvaluationInput;
  local(timeZone: string): LocalTime;
  address(): IpBytes | "missing" | "invalid";
}

function scope(input: EvaluationInput): Scope {
  const times = new Map<string, LocalTime>();
  let address: IpBytes | "missing" | "invalid" | undefined;
  return {
    input,
    local(timeZone) {
      let t = times.get(timeZone);
      if (!t) times.set(timeZone, (t = localTime(input.context.now, timeZone)));
      return t;
    },
    address() {
      const raw = input.context.sourceAddress;
      address ??= raw === undefined || raw === "" ? "missing" : (parseIp(raw) ?? "invalid");
      return address;
    },
  };
}

type Failed = { failure: MatchFailure; undecided: boolean };
type Check = Failed | null;

function decided(failure: MatchFailure): Failed {
  return { failure, undecided: false };
}

function anyWindow(windows: readonly CompiledWindow[], t: LocalTime): boolean {
  for (const w of windows) if (windowContains(w, t)) return true;
  return false;
}

function anyRange(ranges: readonly Cidr[], address: IpBytes): boolean {
  for (const range of ranges) if (cidrContains(range, address)) return true;
  return false;
}

function contextFailure(rule: CompiledRule, s: Scope): Failed | undefined {
  const time = rule.time;
  if (time) {
    const t = s.local(time.timeZone);
    if (!anyWindow(time.windows, t)) {
      return decided({ kind: "time", problem: "mismatch", timeZone: time.timeZone, windows: time.written, actual: { day: t.day, time: formatClock(t.minutes) } });
    }
  }
  const sources = rule.sources;
  if (sources) {
    const expected = sources.written;
    const address = s.address();
    if (address === "missing") return { failure: { kind: "source_address", problem: "missing", expected }, undecided: true };
    const actual = s.input.context.sourceAddress!;
    if (address === "invalid") return { failure: { kind: "source_address", problem: "invalid", expected, actual }, undecided: true };
    if (!anyRange(sources.ranges, address)) return decided({ kind: "source_address", problem: "mismatch", expected, actual });
  }
  return undefined;
}

function rateFailure(rule: CompiledRule, counts: RateCounts | undefined): Check {
  const limit = rule.rateLimit!;
  const byRule = counts && Object.hasOwn(counts, rule.ref.policyId) ? counts[rule.ref.policyId]! : undefined;
  const count = byRule && Object.hasOwn(byRule, rule.ref.ruleId) ? byRule[rule.ref.ruleId] : undefined;
  if (typeof count !== "number" || !Number.isFinite(count)) return { failure: { kind: "rate_limit", problem: "count_missing", max: limit.max, windowSeconds: limit.windowSeconds }, undecided: true };
  if (count >= limit.max) return decided({ kind: "rate_limit", problem: "exhausted", max: limit.max, windowSeconds: limit.windowSeconds, count });
  return null;
}

/** After the action matched: null when the rule matches; otherwise the first decided failure, or the first undecided one. */
function checkRule(rule: CompiledRule, s: Scope): Check {
  const { resource, params } = s.input;
  let undecided: MatchFailure | undefined;
  const resourceResult = resourceMatches(rule, resource);
  if (resourceResult !== true) {
    const failure: MatchFailure = { kind: "resource", problem: resourceResult === false ? "mismatch" : "too_long", expected: rule.rule.resources, actual: resource };
    if (resourceResult === false) return decided(failure);
    undecided = failure;
  }
  for (const condition of rule.conditions) {
    const failure = condition(params);
    if (!failure) continue;
    if (!isUndecided(failure)) return decided(failure);
    undecided ??= failure;
  }
  const context = contextFailure(rule, s);
  if (context && !context.undecided) return context;
  undecided ??= context?.failure;
  if (undecided) return { failure: undecided, undecided: true };
  return rule.rateLimit ? rateFailure(rule, s.input.rateCounts) : null;
}

export interface EvaluateOptions {
  /**
   * false: leave `notMatched` empty. Saves building an explanation per rule when only the
   * outcome is needed (the server's hot path); the decision itself is the same.
   */
  explain?: boolean;
}

interface Collected {
  consulted: ConsultedPolicy[];
  matched: RuleMatch[];
  notMatched: RuleMiss[];
  denies: RuleMatch[];
  allows: { ref: RuleMatch; rule: CompiledRule }[];
  /** The first allow rule that failed only on its exhausted rate limit. */
  rateLimited?: RuleMiss;
}

const TARGET_MISS: MatchFailure = Object.freeze({ kind: "target", problem: "mismatch" });

/** Checks one rule of an applying policy and files it under matched or not matched. */
function collectRule(rule: CompiledRule, s: Scope, explain: boolean, out: Collected): void {
  const action = s.input.action;
  if (!actionMatches(rule, action)) {
    if (explain) out.notMatched.push({ ...rule.ref, failed: { kind: "action", problem: "mismatch", expected: rule.rule.actions, actual: action } });
    return;
  }
  const check = checkRule(rule, s);
  if (check && !(check.undecided && rule.ref.effect === "deny")) {
    const miss = { ...rule.ref, failed: check.failure };
    if (explain) out.notMatched.push(miss);
    if (!out.rateLimited && check.failure.kind === "rate_limit" && check.failure.problem === "exhausted") out.rateLimited = miss;
    return;
  }
  const match: RuleMatch = check ? { ...rule.ref, undecided: check.failure } : rule.ref;
  out.matched.push(match);
  if (match.effect === "deny") out.denies.push(match);
  else out.allows.push({ ref: match, rule });
}

/** Evaluates an intent against compiled policies (or compiles them first, for one-off use). */
export function evaluate(policies: CompiledPolicySet | readonly PublishedPolicy[], input: EvaluationInput, options: EvaluateOptions = {}): Decision {
  const set = "compiled" in policies ? policies : compilePolicies(policies);
  const explain = options.explain !== false;
  const s = scope(input);
  const tags = new Set(input.machine.tags);
  const out: Collected = { consulted: [], matched: [], notMatched: [], denies: [], allows: [] };
  for (const policy of set.policies) {
    const applies = policyTargets(policy, input.machine.id, tags);
    out.consulted.push({ id: policy.id, version: policy.version, name: policy.name, digest: policy.digest, applies });
    for (const rule of policy.rules) {
      if (applies) collectRule(rule, s, explain, out);
      else if (explain) out.notMatched.push({ ...rule.ref, failed: TARGET_MISS });
    }
  }
  return decide(set, out);
}

function outcome(r: Collected): Pick<Decision, "decision" | "reason" | "decidedBy" | "approval"> {
  if (r.denies.length > 0) return { decision: "deny", reason: "denied_by_rule", decidedBy: r.denies };
  if (r.allows.length > 0) {
    const approval = mergeApprovals(r.allows.flatMap((a) => (a.rule.approval ? [a.rule.approval] : [])));
    const decidedBy = r.allows.map((a) => a.ref);
    return approval ? { decision: "allow_with_approval", reason: "approval_required", decidedBy, approval } : { decision: "allow", reason: "allowed", decidedBy };
  }
  if (r.rateLimited) return { decision: "deny", reason: "rate_limited", decidedBy: [] };
  return { decision: "deny", reason: r.consulted.some((p) => p.applies) ? "default_deny" : "no_applicable_policy", decidedBy: [] };
}

function decide(set: CompiledPolicySet, r: Collected): Decision {
  const { decision, reason, decidedBy, approval } = outcome(r);
  const text = decisionMessage({ reason, decidedBy, approval }, set.names, r.rateLimited);
  return { decision, reason, message: text, policies: r.consulted, decidedBy, ...(approval ? { approval } : {}), matched: r.matched, notMatched: r.notMatched };
}

/** A rate-limited rule the caller must count intents for before evaluating. */
export interface RateLimitQuery {
  policyId: string;
  ruleId: string;
  max: number;
  windowSeconds: number;
}

/**
 * The rate-limited allow rules that could apply to this machine, action and resource. For each,
 * the caller counts this machine's intents submitted within the last `windowSeconds` (before
 * `now`) whose decision was not deny and whose `matched` names this policy id and rule id, and
 * passes the counts as `rateCounts[policyId][ruleId]`.
 */
export function rateLimitsFor(set: CompiledPolicySet, input: Pick<EvaluationInput, "machine" | "action" | "resource">): RateLimitQuery[] {
  const tags = new Set(input.machine.tags);
  return set.policies
    .filter((p) => policyTargets(p, input.machine.id, tags))
    .flatMap((p) => p.rules)
    .filter((r) => r.rateLimit && actionMatches(r, input.action) && resourceMatches(r, input.resource) !== false)
    .map((r) => ({ policyId: r.ref.policyId, ruleId: r.ref.ruleId, max: r.rateLimit!.max, windowSeconds: r.rateLimit!.windowSeconds }));
}
