/**
 * The one error class of the policy store. Callers (route handlers) branch on `code`, a
 * closed set, and show `message`, a sentence that says what to fix. The HTTP status of each
 * code lives in one table here, next to the codes. A validation failure carries the
 * document's issues (lib/policies/validate.ts), which the problem lists as `issues`; a draft
 * conflict carries who saved the draft and when (`draftUpdatedAt`, `draftUpdatedBy`).
 */
import { DomainError } from "../../http/problem";
import type { PolicyIssue } from "../validate";

const TABLE = {
  not_found: { status: 404, title: "Policy not found" },
  version_not_found: { status: 404, title: "Policy version not found" },
  machine_not_found: { status: 404, title: "Machine not found" },
  name_invalid: { status: 400, title: "Invalid policy name" },
  name_taken: { status: 409, title: "Policy name already used" },
  field_invalid: { status: 400, title: "Invalid field" },
  note_invalid: { status: 400, title: "Change note required" },
  policy_invalid: { status: 400, title: "Policy not valid" },
  nothing_to_publish: { status: 409, title: "Nothing to publish" },
  version_in_force: { status: 409, title: "Version already in force" },
  conflict: { status: 409, title: "Policy changed meanwhile" },
} as const;

export type PolicyErrorCode = keyof typeof TABLE;
export const POLICY_ERROR_CODES = Object.keys(TABLE) as PolicyErrorCode[];

export class PolicyError extends DomainError<PolicyErrorCode> {
  override name = "PolicyError";
  protected readonly problems = TABLE;
  /** policy_invalid only: every problem of the document, placed (path, pointer, at, message). */
  readonly issues?: PolicyIssue[];

  constructor(code: PolicyErrorCode, message: string, issues?: PolicyIssue[], extensions?: Record<string, unknown>) {
    // The issues are also a member of the problem, so the editor can place each one.
    super(code, message, issues ? { ...extensions, issues } : extensions);
    if (issues) this.issues = issues;
  }
}

export function isPolicyError(error: unknown): error is PolicyError {
  return error instanceof PolicyError;
}
