/**
 * Validation results an editor can place: every problem of a policy document with the JSON
 * path of the field at fault, as a path array, an RFC 6901 JSON Pointer (for JSON editors)
 * and a readable `rules[0].conditions[2].value`. Zod's own issues are reshaped here so the
 * rest of PTERI never depends on zod's issue format.
 */
import type { z } from "zod";
import { policyDocumentSchema, type PolicyDocument } from "./schema";

export interface PolicyIssue {
  path: (string | number)[];
  /** RFC 6901 JSON Pointer: `/rules/0/conditions/2/value` ("" for the whole document). */
  pointer: string;
  /** `rules[0].conditions[2].value` ("(document)" for the whole document). */
  at: string;
  message: string;
}

export type PolicyValidation = { ok: true; document: PolicyDocument } | { ok: false; issues: PolicyIssue[] };

export class PolicyValidationError extends Error {
  constructor(readonly issues: PolicyIssue[]) {
    super(`Invalid policy: ${issues.map((i) => `${i.at}: ${i.message}`).join("; ")}`);
    this.name = "PolicyValidationError";
  }
}

function pointer(path: (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function dotted(path: (string | number)[]): string {
  if (path.length === 0) return "(document)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${i === 0 ? "" : "."}${p}` : `[${JSON.stringify(p)}]`)).join("");
}

function issue(path: (string | number)[], message: string): PolicyIssue {
  return { path, pointer: pointer(path), at: dotted(path), message };
}

/** True when the object at `path`'s parent exists but has no own member named by its last step. */
function isMissing(input: unknown, path: (string | number)[]): boolean {
  let parent = input;
  for (const step of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, step)) return false;
    parent = (parent as Record<string | number, unknown>)[step];
  }
  const last = path.at(-1);
  return last !== undefined && parent !== null && typeof parent === "object" && !Array.isArray(parent) && !Object.hasOwn(parent, last);
}

/** One zod issue as one or more placed issues (an unknown key is placed on the key itself). */
function reshape(raw: z.core.$ZodIssue, input: unknown): PolicyIssue[] {
  const path = raw.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (raw.code === "unrecognized_keys") return raw.keys.map((key) => issue([...path, key], `Unknown field "${key}".`));
  if ((raw.code === "invalid_type" || raw.code === "invalid_union") && isMissing(input, path)) return [issue(path, `${String(path.at(-1))} is required.`)];
  return [issue(path, raw.message)];
}

/** Validates a policy document (already parsed from JSON). Never throws. */
export function validatePolicy(input: unknown): PolicyValidation {
  const result = policyDocumentSchema.safeParse(input);
  if (result.success) return { ok: true, document: result.data };
  return { ok: false, issues: result.error.issues.flatMap((raw) => reshape(raw, input)) };
}

/** validatePolicy, throwing PolicyValidationError (with the issues) when the document is invalid. */
export function parsePolicy(input: unknown): PolicyDocument {
  const result = validatePolicy(input);
  if (!result.ok) throw new PolicyValidationError(result.issues);
  return result.document;
}
