/**
 * Turning published policies into matchers, once.
 *
 * Validation, pattern parsing, regex construction, CIDR parsing and the document digest all
 * happen here, so evaluate() does only comparisons: a compiled set is meant to be built when a
 * policy is published (or edited, in the simulator) and reused for every intent. compilePolicies
 * re-validates each document because stored JSON is input like any other: a document that no
 * longer validates throws PolicyValidationError, and the caller fails closed.
 */
import { parseCidr, type Cidr } from "./cidr";
import { compileCondition, type CompiledCondition } from "./conditions";
import { policyDigest } from "./digest";
import { compileGlob, type GlobMatcher } from "./glob";
import type { Effect, PolicyApproval, PolicyDocument, PolicyRateLimit, PolicyRule } from "./schema";
import { compileWindow, type CompiledWindow, type TimeWindow } from "./time";
import { parsePolicy } from "./validate";

/** A policy as stored: an immutable version of a document. Drafts use any id and version. */
export interface PublishedPolicy {
  id: string;
  version: number;
  document: PolicyDocument;
}

/** Names one rule of one policy version, everywhere a decision mentions a rule. */
export interface RuleRef {
  policyId: string;
  policyVersion: number;
  ruleId: string;
  effect: Effect;
}

export interface CompiledRule {
  /** Frozen: shared by every decision that lists the rule as matched. */
  ref: RuleRef;
  rule: PolicyRule;
  /** Action patterns: `*`, exact names, and prefixes (`payments.` for `payments.*`). */
  anyAction: boolean;
  exactActions: ReadonlySet<string>;
  actionPrefixes: readonly string[];
  resources: readonly GlobMatcher[];
  conditions: readonly CompiledCondition[];
  /** `written`: the windows and ranges as the document states them, for explanations. */
  time?: { timeZone: string; windows: readonly CompiledWindow[]; written: readonly TimeWindow[] };
  sources?: { ranges: readonly Cidr[]; written: readonly string[] };
  rateLimit?: PolicyRateLimit;
  approval?: PolicyApproval;
}

export interface CompiledPolicy {
  id: string;
  version: number;
  name: string;
  digest: string;
  all: boolean;
  machines: ReadonlySet<string>;
  tagSelectors: readonly (readonly string[])[];
  rules: readonly CompiledRule[];
}

/** What evaluate() takes. Build it with compilePolicies and reuse it. */
export interface CompiledPolicySet {
  readonly compiled: true;
  readonly policies: readonly CompiledPolicy[];
  /** Policy id -> name, for messages. */
  readonly names: ReadonlyMap<string, string>;
}

function compileRule(policy: PublishedPolicy, rule: PolicyRule): CompiledRule {
  const patterns = rule.actions;
  const context = rule.context;
  return {
    ref: Object.freeze({ policyId: policy.id, policyVersion: policy.version, ruleId: rule.id, effect: rule.effect }),
    rule,
    anyAction: patterns.includes("*"),
    exactActions: new Set(patterns.filter((a) => !a.endsWith("*"))),
    actionPrefixes: patterns.filter((a) => a.endsWith(".*")).map((a) => a.slice(0, -1)),
    resources: rule.resources.map(compileGlob),
    conditions: (rule.conditions ?? []).map(compileCondition),
    time: context?.time && { timeZone: context.time.timeZone, windows: context.time.windows.map(compileWindow), written: context.time.windows },
    sources: context?.sourceAddresses && { ranges: context.sourceAddresses.map((s) => parseCidr(s)!), written: context.sourceAddresses }, // validated by parsePolicy
    rateLimit: rule.rateLimit,
    approval: rule.approval,
  };
}

function compilePolicy(policy: PublishedPolicy): CompiledPolicy {
  const document = parsePolicy(policy.document);
  const targets = document.targets;
  return {
    id: policy.id,
    version: policy.version,
    name: document.name,
    digest: policyDigest(document),
    all: targets.all === true,
    machines: new Set(targets.machines ?? []),
    tagSelectors: targets.tagSelectors ?? [],
    rules: document.rules.map((rule) => compileRule({ ...policy, document }, rule)),
  };
}

/**
 * Validates and compiles; throws PolicyValidationError naming the first invalid document's
 * problems. One version per policy id: decisions and rate counts name rules by policy id.
 */
export function compilePolicies(policies: readonly PublishedPolicy[]): CompiledPolicySet {
  const ids = new Set<string>();
  for (const p of policies) {
    if (ids.has(p.id)) throw new TypeError(`compilePolicies: policy id "${p.id}" is given twice; evaluate one version per policy`);
    ids.add(p.id);
  }
  const compiled = policies.map(compilePolicy);
  return { compiled: true, policies: compiled, names: new Map(compiled.map((p) => [p.id, p.name])) };
}

/** True when the policy applies to the machine: all, listed by id, or carrying every tag of a selector. */
export function policyTargets(policy: CompiledPolicy, machineId: string, tags: ReadonlySet<string>): boolean {
  return policy.all || policy.machines.has(machineId) || policy.tagSelectors.some((selector) => selector.every((t) => tags.has(t)));
}

export function actionMatches(rule: CompiledRule, action: string): boolean {
  return rule.anyAction || rule.exactActions.has(action) || rule.actionPrefixes.some((p) => action.startsWith(p));
}

/** true, false, or undefined when no pattern matched and one could not be tried (too long). */
export function resourceMatches(rule: CompiledRule, resource: string): boolean | undefined {
  let undecided = false;
  for (const match of rule.resources) {
    const result = match(resource);
    if (result) return true;
    if (result === undefined) undecided = true;
  }
  return undecided ? undefined : false;
}
