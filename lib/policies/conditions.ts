/**
 * Conditions on an intent's parameters, compiled once into small closures.
 *
 * Comparisons are typed and never coerce: `"5000"` is not the number 5000, so a machine cannot
 * change how a rule reads its parameters by changing their JSON type. A condition either holds,
 * fails (`mismatch`), or cannot be decided: the field is missing, has another type, or is too
 * long to match. Undecidable is kept apart from a mismatch because evaluate.ts resolves it
 * against the requester (an allow rule does not apply, a deny rule does).
 *
 * Fields are looked up as own members only: `params.constructor` is never Object's constructor.
 */
import { compileGlob } from "./glob";
import { compileRegex } from "./regex";
import type { ConditionOperator, PolicyCondition } from "./schema";

/** mismatch: decided false. The others mean the condition could not be decided. */
export type ConditionProblem = "mismatch" | "missing" | "wrong_type" | "too_long";

export interface ConditionFailure {
  kind: "condition";
  /** Position in the rule's `conditions`. */
  index: number;
  field: string;
  operator: ConditionOperator;
  expected: unknown;
  /** The value found; absent when the field is missing. */
  actual?: unknown;
  problem: ConditionProblem;
}

/** null when the condition holds. */
export type CompiledCondition = (params: unknown) => ConditionFailure | null;

const MISSING = Symbol("missing");
type Scalar = string | number | boolean | null;

function lookup(root: unknown, steps: readonly string[]): unknown {
  let value = root;
  for (const step of steps) {
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d*)$/.test(step)) return MISSING;
      const index = Number(step);
      if (index >= value.length) return MISSING;
      value = value[index];
    } else if (value !== null && typeof value === "object" && Object.hasOwn(value, step)) {
      value = (value as Record<string, unknown>)[step];
    } else return MISSING;
  }
  return value === undefined ? MISSING : value;
}

/** The JSON type of a scalar, or undefined for objects, arrays and non-JSON values. */
function scalarType(value: unknown): string | undefined {
  if (value === null) return "null";
  const t = typeof value;
  if (t === "string" || t === "boolean") return t;
  return t === "number" && Number.isFinite(value) ? t : undefined;
}

/** A test on a present value: true (holds), false (mismatch), or another problem. */
type Test = (actual: unknown) => boolean | Exclude<ConditionProblem, "mismatch">;

function typed(types: ReadonlySet<string>, test: (actual: Scalar) => boolean): Test {
  return (actual) => {
    const t = scalarType(actual);
    return t !== undefined && types.has(t) ? test(actual as Scalar) : "wrong_type";
  };
}

function stringTest(match: (s: string) => boolean | undefined): Test {
  return (actual) => {
    if (typeof actual !== "string") return "wrong_type";
    return match(actual) ?? "too_long";
  };
}

function testFor(c: PolicyCondition): Test {
  switch (c.operator) {
    case "eq":
      return typed(new Set([scalarType(c.value)!]), (a) => a === c.value);
    case "ne":
      return typed(new Set([scalarType(c.value)!]), (a) => a !== c.value);
    case "lt":
      return typed(new Set(["number"]), (a) => (a as number) < c.value);
    case "lte":
      return typed(new Set(["number"]), (a) => (a as number) <= c.value);
    case "gt":
      return typed(new Set(["number"]), (a) => (a as number) > c.value);
    case "gte":
      return typed(new Set(["number"]), (a) => (a as number) >= c.value);
    case "in":
    case "not_in": {
      const values = new Set<Scalar>(c.value);
      const want = c.operator === "in";
      return typed(new Set(c.value.map((v) => scalarType(v)!)), (a) => values.has(a) === want);
    }
    case "glob":
      return stringTest(compileGlob(c.value));
    case "regex":
      return stringTest(compileRegex(c.value));
    case "exists":
      return () => c.value;
  }
}

export function compileCondition(c: PolicyCondition, index: number): CompiledCondition {
  const steps = c.field.split(".").slice(1);
  const test = testFor(c);
  const fail = (problem: ConditionProblem, actual: unknown): ConditionFailure =>
    actual === MISSING ? { kind: "condition", index, field: c.field, operator: c.operator, expected: c.value, problem } : { kind: "condition", index, field: c.field, operator: c.operator, expected: c.value, actual, problem };
  return (params) => {
    const actual = lookup(params, steps);
    if (actual === MISSING) {
      if (c.operator === "exists") return c.value ? fail("mismatch", MISSING) : null;
      return fail("missing", MISSING);
    }
    const result = test(actual);
    if (result === true) return null;
    return fail(result === false ? "mismatch" : result, actual);
  };
}
