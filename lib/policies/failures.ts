/**
 * Why a rule did not apply, as data. Every rule that does not match gets exactly one of these
 * (the first check that failed, in the order target, action, resource, conditions, time,
 * source address, rate limit), so the simulator, the CLI and the intents service can explain a
 * decision without re-running it. explain.ts turns them into sentences.
 */
import type { ConditionFailure } from "./conditions";
import type { TimeWindow, Weekday } from "./time";

export type { ConditionFailure, ConditionProblem } from "./conditions";

export type MatchFailure =
  /** The rule's policy does not target the machine. */
  | { kind: "target"; problem: "mismatch" }
  | { kind: "action"; problem: "mismatch"; expected: readonly string[]; actual: string }
  /** too_long: only wildcard patterns were left and the resource exceeds MAX_MATCH_LENGTH. */
  | { kind: "resource"; problem: "mismatch" | "too_long"; expected: readonly string[]; actual: string }
  | ConditionFailure
  | { kind: "time"; problem: "mismatch"; timeZone: string; windows: readonly TimeWindow[]; actual: { day: Weekday; time: string } }
  /** missing: the input had no source address; invalid: it was not an IP address. */
  | { kind: "source_address"; problem: "mismatch" | "missing" | "invalid"; expected: readonly string[]; actual?: string }
  /** exhausted: count >= max. count_missing: the caller passed no count for this rule. */
  | { kind: "rate_limit"; problem: "exhausted" | "count_missing"; max: number; windowSeconds: number; count?: number };

export type FailureKind = MatchFailure["kind"];

/**
 * True when the check could not be decided (missing or mistyped field, value too long to match,
 * no or bad source address, no rate count). An allow rule with such a failure does not apply;
 * a deny rule with one (and no decided failure) does: the engine fails closed.
 */
export function isUndecided(failure: MatchFailure): boolean {
  return failure.problem !== "mismatch" && failure.problem !== "exhausted";
}
