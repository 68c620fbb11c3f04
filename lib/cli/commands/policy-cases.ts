/**
 * The cases file of `pteri policy test` (docs/cli.md): a JSON array of intents, each with the
 * decision it must get. One strict zod schema; the first problem is reported with its JSON
 * path (`[2].expect.decision`), since a suite that cannot be read must not pass.
 */
import { z } from "zod";
import type { DecisionKind, DecisionReason } from "../../policies";
import { TAG_RE } from "../../machines/validate";

export const DECISIONS = ["allow", "allow_with_approval", "deny"] as const satisfies readonly DecisionKind[];
export const REASONS = ["allowed", "approval_required", "denied_by_rule", "rate_limited", "default_deny", "no_applicable_policy"] as const satisfies readonly DecisionReason[];
// Compile-time: every reason the engine can give is listed.
const EVERY_REASON: Exclude<DecisionReason, (typeof REASONS)[number]> extends never ? true : never = true;
void EVERY_REASON;

export const MAX_CASES = 10_000;

/** RFC 3339 date-time with an explicit offset: `2026-12-04T10:00:00Z`, `2026-12-04T11:00:00.5+01:00`. */
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

/** The instant an RFC 3339 date-time with offset names, or null (a local time without offset is refused: it would depend on the runner's zone). */
export function parseInstant(text: string): Date | null {
  const m = INSTANT_RE.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? 0);
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(utc).getUTCDate() !== day) return null; // 2026-02-30
  let offset = 0;
  if (m[9]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(utc - offset * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}

const NOW_HINT = 'an RFC 3339 date-time with an offset, like "2026-12-04T10:00:00Z" or "2026-12-04T11:00:00+01:00"';
const instant = z.string().refine((s) => parseInstant(s) !== null, `Must be ${NOW_HINT}.`);
const count = z.number().int("A rate count is a whole number.").min(0, "A rate count cannot be negative.");

const caseSchema = z.strictObject({
  name: z
    .string()
    .min(1, "A case name cannot be empty.")
    .max(200, "A case name can be at most 200 characters.")
    .refine((s) => !/\p{Cc}/u.test(s), "A case name must be one line without control characters."),
  machine: z.strictObject({
    id: z.string().min(1, "A machine id cannot be empty.").max(200, "A machine id can be at most 200 characters."),
    tags: z.array(z.string().regex(TAG_RE, "A tag is 1 to 64 letters, digits and . _ : / = - (starting with a letter or digit).")).max(100).optional(),
  }),
  action: z.string().min(1, "An action cannot be empty.").max(200, "An action can be at most 200 characters."),
  resource: z.string().max(4096, "A resource can be at most 4096 characters."),
  params: z.unknown().optional(),
  context: z
    .strictObject({
      now: instant.optional(),
      sourceAddress: z.string().optional(),
    })
    .optional(),
  rateCounts: z.record(z.string(), z.record(z.string(), count)).optional(),
  expect: z.strictObject({
    decision: z.enum(DECISIONS, { error: `decision must be one of ${DECISIONS.map((d) => `"${d}"`).join(", ")}.` }),
    reason: z.enum(REASONS, { error: `reason must be one of ${REASONS.map((d) => `"${d}"`).join(", ")}.` }).optional(),
    approvals: z.number().int("approvals is a whole number.").min(0, "approvals cannot be negative.").optional(),
  }),
});

const casesSchema = z.array(caseSchema).min(1, "The cases file has no cases; an empty suite would pass without testing anything.").max(MAX_CASES, `At most ${MAX_CASES} cases per file.`);

export type RawCase = z.infer<typeof caseSchema>;

/** A case ready to evaluate: `now` resolved (from the case, or --now). */
export interface TestCase extends RawCase {
  now: Date;
}

/** A problem in the cases file: its JSON path (`[2].expect.decision`) and what is wrong. */
export class CasesError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at}: ${problem}`);
    this.name = "CasesError";
  }
}

/** `[2].expect.decision`, `["team:x"]` for keys that are not identifiers. */
export function jsonPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${i === 0 ? "" : "."}${p}` : `[${JSON.stringify(p)}]`)).join("");
}

function isMissing(input: unknown, path: readonly (string | number)[]): boolean {
  let parent = input;
  for (const step of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, step)) return false;
    parent = (parent as Record<string | number, unknown>)[step];
  }
  const last = path.at(-1);
  return last !== undefined && parent !== null && typeof parent === "object" && !Array.isArray(parent) && !Object.hasOwn(parent, last);
}

function firstIssue(error: z.ZodError, input: unknown): CasesError {
  const raw = error.issues[0]!;
  const path = raw.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (raw.code === "unrecognized_keys") return new CasesError(jsonPath([...path, raw.keys[0]!]), `Unknown field "${raw.keys[0]}".`);
  if (raw.code === "invalid_type" && isMissing(input, path)) return new CasesError(jsonPath(path), `${String(path.at(-1))} is required.`);
  if (raw.code === "invalid_type" && path.length === 0) return new CasesError(jsonPath(path), "The cases file must be a JSON array of cases.");
  return new CasesError(jsonPath(path), raw.message);
}

/**
 * Validates the cases file's JSON. `defaultNow`: --now, for cases without context.now.
 * Throws CasesError (the first problem) for anything else than a valid suite.
 */
export function parseCases(input: unknown, defaultNow: Date | undefined): TestCase[] {
  if (input !== null && typeof input === "object" && !Array.isArray(input) && (input as { format?: unknown }).format === "pteri.policy/v1") {
    throw new CasesError("(top level)", "This is a policy document, not a cases file; the cases file is the last argument (or --cases FILE).");
  }
  const result = casesSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error, input);
  const names = new Map<string, number>();
  return result.data.map((c, i) => {
    const earlier = names.get(c.name);
    if (earlier !== undefined) throw new CasesError(`[${i}].name`, `Case name ${JSON.stringify(c.name)} is already used by case [${earlier}]; names identify cases in the report.`);
    names.set(c.name, i);
    const written = c.context?.now;
    const now = written !== undefined ? parseInstant(written) : defaultNow;
    if (!now) throw new CasesError(`[${i}].context.now`, `now is required (or give --now): ${NOW_HINT}. Evaluation never reads the clock.`);
    return { ...c, now };
  });
}
