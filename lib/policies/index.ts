/**
 * Scope policies: the document format, its validation, and the pure decision engine. No
 * database, no framework: the Console, the CLI (`pteri policy test`), the SDK and the browser's
 * simulator all import this, so they cannot disagree about a decision.
 */
export { POLICY_FORMAT, POLICY_LIMITS, CONDITION_OPERATORS, ACTION_PATTERN_RE, FIELD_RE, policyDocumentSchema } from "./schema";
export type { PolicyDocument, PolicyRule, PolicyTargets, PolicyCondition, PolicyContext, PolicyApproval, PolicyRateLimit, Effect, ConditionOperator } from "./schema";
export { validatePolicy, parsePolicy, PolicyValidationError, type PolicyIssue, type PolicyValidation } from "./validate";
export { policyDigest } from "./digest";
export { compilePolicies, type PublishedPolicy, type CompiledPolicySet, type RuleRef } from "./compile";
export {
  evaluate,
  rateLimitsFor,
  type EvaluateOptions,
  type EvaluationInput,
  type Decision,
  type DecisionKind,
  type DecisionReason,
  type RuleMatch,
  type RuleMiss,
  type ConsultedPolicy,
  type RateCounts,
  type RateLimitQuery,
} from "./evaluate";
export { isUndecided, type MatchFailure, type FailureKind, type ConditionFailure, type ConditionProblem } from "./failures";
export { mergeApprovals, approvalProgress, type ApprovalObligation, type ApprovalRequirement, type ApprovalVote, type ApprovalProgress } from "./approval";
export { describeFailure, describeObligation } from "./explain";
export { MAX_MATCH_LENGTH, globProblem } from "./glob";
export { MAX_REGEX_LENGTH, regexProblem } from "./regex";
export { cidrProblem } from "./cidr";
export { WEEKDAYS, isTimeZone, type Weekday, type TimeWindow } from "./time";
