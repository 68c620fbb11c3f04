/**
 * The one error class of the approvals domain: a closed set of codes, each with its HTTP
 * status (DomainError, lib/http/problem.ts), and a sentence that says what to do.
 */
import { DomainError } from "../http/problem";

const TABLE = {
  body_invalid: { status: 400, title: "Request body malformed" },
  query_invalid: { status: 400, title: "Invalid query parameter" },
  not_found: { status: 404, title: "Intent not found" },
  /** The intent is no longer pending (decided, executed, denied) or its deadline passed. */
  not_pending: { status: 409, title: "Intent no longer awaits approval" },
  already_decided: { status: 409, title: "Already decided" },
  /** Rules that keep this operator from deciding: role, owner of the machine, team. */
  not_eligible: { status: 403, title: "Not allowed to decide on this intent" },
  challenge_invalid: { status: 400, title: "Approval prompt not usable" },
  assertion_invalid: { status: 400, title: "Passkey signature not verified" },
} as const;

export type ApprovalErrorCode = keyof typeof TABLE;
export const APPROVAL_ERROR_CODES = Object.keys(TABLE) as ApprovalErrorCode[];

export class ApprovalError extends DomainError<ApprovalErrorCode> {
  override name = "ApprovalError";
  protected readonly problems = TABLE;
}
