/**
 * The policy document format, `pteri.policy/v1`, and its one validating schema.
 *
 * One zod schema is the single definition of what a valid policy is: the editor, the publish
 * endpoint, `pteri policy test` and compilePolicies all use it, so a policy the editor accepts
 * is exactly a policy the server will publish. The schema never transforms (no trimming, no
 * defaults): the validated document is the document as written, so its digest is stable and
 * a JSON view round-trips. Objects are strict: a misspelt field (`condtions`) is an error, not
 * a silently ignored rule part. Every problem is reported with its JSON path so an editor can
 * show it next to the field at fault.
 *
 * Field semantics live in docs/policies.md; matching is in compile.ts and evaluate.ts.
 */
import { TAG_RE } from "../machines/validate";
import { z } from "zod";
import { cidrProblem } from "./cidr";
import { globProblem } from "./glob";
import { regexProblem } from "./regex";
import { isTimeZone, parseClock, WEEKDAYS } from "./time";

export const POLICY_FORMAT = "pteri.policy/v1";

export const POLICY_LIMITS = {
  nameLength: 100,
  descriptionLength: 2000,
  rules: 1000,
  targetMachines: 1000,
  tagSelectors: 100,
  tagsPerSelector: 32,
  patternsPerRule: 100,
  patternLength: 512,
  conditionsPerRule: 50,
  listValues: 1000,
  stringValueLength: 1000,
  fieldLength: 200,
  timeWindows: 20,
  sourceRanges: 100,
  approvalRequirements: 10,
  approversPerRequirement: 20,
  rateLimitMax: 1_000_000,
  /** 31 days: the longest rate window, approval expiry and execution window. */
  maxSeconds: 31 * 24 * 60 * 60,
  minApprovalSeconds: 60,
} as const;

const L = POLICY_LIMITS;
const CONTROL_RE = /\p{Cc}/u;

const text = (max: number, what: string) =>
  z
    .string()
    .max(max, `${what} can be at most ${max} characters.`)
    .refine((s) => !CONTROL_RE.test(s.replace(/[\n\t]/g, "")), `${what} cannot contain control characters.`);
const label = (max: number, what: string) =>
  text(max, what)
    .min(1, `${what} cannot be empty.`)
    .refine((s) => !/[\n\t]/.test(s), `${what} must be a single line.`);

const tag = z.string().regex(TAG_RE, "A tag is 1 to 64 letters, digits and . _ : / = - (starting with a letter or digit).");
const machineId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "A machine id is 1 to 64 letters, digits, _ and -.");
const RULE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ruleId = z.string().regex(RULE_ID_RE, "A rule id is 1 to 64 letters, digits and . _ - (starting with a letter or digit).");
const seconds = (min: number, what: string) =>
  z.number().int(`${what} must be a whole number of seconds.`).min(min, `${what} must be at least ${min} seconds.`).max(L.maxSeconds, `${what} can be at most ${L.maxSeconds} seconds (31 days).`);

/** `payments.transfer` (exact), `payments.*` (any action under payments.), or `*` (any). */
export const ACTION_PATTERN_RE = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
const actionPattern = z.string().max(200, "An action can be at most 200 characters.").regex(ACTION_PATTERN_RE, "An action is dot-separated names (payments.transfer), a prefix ending in .* (payments.*), or * for any action.");

const glob = (what: string) =>
  z
    .string()
    .min(1, `${what} cannot be empty.`)
    .max(L.patternLength, `${what} can be at most ${L.patternLength} characters.`)
    .superRefine((s, ctx) => {
      const problem = globProblem(s);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

/** `params.amount`, `params.beneficiary.country`, `params.items.0.sku`. */
export const FIELD_RE = /^params(\.[A-Za-z0-9_-]+)+$/;
const field = z.string().max(L.fieldLength, `A field can be at most ${L.fieldLength} characters.`).regex(FIELD_RE, "A field is params followed by dot-separated names, like params.amount or params.beneficiary.country.");

const scalar = z.union([z.string().max(L.stringValueLength, `A value can be at most ${L.stringValueLength} characters.`), z.number(), z.boolean(), z.null()], {
  error: "The value must be a string, a number, true, false or null.",
});
const list = z.array(scalar, { error: "The value must be a list." }).min(1, "The list needs at least one value.").max(L.listValues, `A list can hold at most ${L.listValues} values.`);
const number = z.number({ error: "The value must be a number." });

const condition = <O extends string, V extends z.ZodType>(operator: O, value: V) => z.strictObject({ field, operator: z.literal(operator), value });

export const CONDITION_OPERATORS = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "glob", "regex", "exists"] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

const conditionSchema = z.discriminatedUnion(
  "operator",
  [
    condition("eq", scalar),
    condition("ne", scalar),
    condition("lt", number),
    condition("lte", number),
    condition("gt", number),
    condition("gte", number),
    condition("in", list),
    condition("not_in", list),
    condition("glob", glob("A glob pattern")),
    condition(
      "regex",
      z.string({ error: "The value must be a regular expression (a string)." }).superRefine((s, ctx) => {
        const problem = regexProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    ),
    condition("exists", z.boolean({ error: "The value must be true (the field is present) or false (it is absent)." })),
  ],
  { error: `The operator must be one of ${CONDITION_OPERATORS.join(", ")}.` },
);

const clock = (what: string, allow24: boolean) =>
  z.string().refine((s) => parseClock(s) !== undefined && (allow24 || s !== "24:00"), `${what} must be a time HH:MM (00:00 to ${allow24 ? "24:00" : "23:59"}).`);

const timeWindow = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS, { error: `A day is one of ${WEEKDAYS.join(", ")}.` }))
      .min(1, "List at least one day, or leave days out for every day.")
      .max(7)
      .refine((d) => new Set(d).size === d.length, "A day is listed twice.")
      .optional(),
    from: clock("from", false),
    to: clock("to", true),
  })
  .refine((w) => w.from !== w.to, { message: "from and to are the same time: use 00:00 to 24:00 for a whole day.", path: ["to"] });

const contextSchema = z.strictObject({
  time: z
    .strictObject({
      timeZone: z.string().refine(isTimeZone, "Not a time zone name this system knows (use an IANA name like Europe/Berlin, America/New_York or UTC)."),
      windows: z.array(timeWindow).min(1, "Add at least one time window.").max(L.timeWindows, `At most ${L.timeWindows} time windows.`),
    })
    .optional(),
  sourceAddresses: z
    .array(
      z.string().superRefine((s, ctx) => {
        const problem = cidrProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    )
    .min(1, "Add at least one address range, or leave sourceAddresses out.")
    .max(L.sourceRanges, `At most ${L.sourceRanges} address ranges.`)
    .optional(),
});

const approvalSchema = z.strictObject({
  requirements: z
    .array(
      z.strictObject({
        approvers: z.number().int("approvers must be a whole number.").min(1, "At least one approver.").max(L.approversPerRequirement, `At most ${L.approversPerRequirement} approvers.`),
        team: label(64, "A team name").optional(),
      }),
    )
    .min(1, "Add at least one approval requirement.")
    .max(L.approvalRequirements, `At most ${L.approvalRequirements} requirements.`)
    .superRefine((reqs, ctx) => {
      const seen = new Set<string>();
      reqs.forEach((r, i) => {
        const key = r.team ?? "";
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "team"], message: r.team ? `Team "${r.team}" already has a requirement in this rule.` : "Only one requirement may leave out the team." });
        seen.add(key);
      });
    }),
  expiresInSeconds: seconds(L.minApprovalSeconds, "expiresInSeconds"),
  executionWindowSeconds: seconds(1, "executionWindowSeconds").optional(),
  /** Lets the operator who owns the machine decide on its intents too (default false). */
  allowOwnerApproval: z.boolean({ error: "allowOwnerApproval must be true or false." }).optional(),
});

const ruleSchema = z
  .strictObject({
    id: ruleId,
    description: text(L.descriptionLength, "A description").optional(),
    effect: z.enum(["allow", "deny"], { error: "effect must be allow or deny." }),
    actions: z.array(actionPattern).min(1, "List at least one action (* for any).").max(L.patternsPerRule),
    resources: z.array(glob("A resource pattern")).min(1, "List at least one resource (** for any).").max(L.patternsPerRule),
    conditions: z.array(conditionSchema).max(L.conditionsPerRule, `At most ${L.conditionsPerRule} conditions.`).optional(),
    context: contextSchema.optional(),
    rateLimit: z
      .strictObject({
        max: z.number().int("max must be a whole number.").min(1, "max must be at least 1.").max(L.rateLimitMax),
        windowSeconds: seconds(1, "windowSeconds"),
      })
      .optional(),
    approval: approvalSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.effect !== "deny") return;
    if (rule.approval) ctx.addIssue({ code: "custom", path: ["approval"], message: "Only an allow rule can require approval." });
    if (rule.rateLimit) ctx.addIssue({ code: "custom", path: ["rateLimit"], message: "Only an allow rule can have a rate limit (it limits what the rule allows)." });
  });

const targetsSchema = z
  .strictObject({
    all: z.boolean().optional(),
    machines: z.array(machineId).max(L.targetMachines).optional(),
    tagSelectors: z
      .array(z.array(tag).min(1, "A tag selector needs at least one tag.").max(L.tagsPerSelector))
      .max(L.tagSelectors)
      .optional(),
  })
  .refine((t) => t.all === true || (t.machines?.length ?? 0) > 0 || (t.tagSelectors?.length ?? 0) > 0, "Target something: all machines, machine ids, or tag selectors.");

export const policyDocumentSchema = z
  .strictObject({
    format: z.literal(POLICY_FORMAT, { error: `format must be "${POLICY_FORMAT}".` }),
    name: label(L.nameLength, "A policy name"),
    description: text(L.descriptionLength, "A description").optional(),
    targets: targetsSchema,
    rules: z.array(ruleSchema).max(L.rules, `A policy has at most ${L.rules} rules.`),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `Rule id "${rule.id}" is already used in this policy.` });
      seen.add(rule.id);
    });
  });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type PolicyRule = PolicyDocument["rules"][number];
export type PolicyTargets = PolicyDocument["targets"];
export type PolicyCondition = NonNullable<PolicyRule["conditions"]>[number];
export type PolicyContext = NonNullable<PolicyRule["context"]>;
export type PolicyApproval = NonNullable<PolicyRule["approval"]>;
export type PolicyRateLimit = NonNullable<PolicyRule["rateLimit"]>;
export type Effect = PolicyRule["effect"];
