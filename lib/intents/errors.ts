/**
 * The one error class of the intents domain. Callers branch on `code`, a closed set, and show
 * `message`, a sentence that says what to fix. The HTTP status of each code lives in this
 * table, next to the codes (DomainError, lib/http/problem.ts). Extra members (for
 * intent_invalid: `path` and `issues`) travel in the error's extensions.
 */
import { DomainError } from "../http/problem";

const TABLE = {
  body_invalid: { status: 400, title: "Request body malformed" },
  intent_invalid: { status: 400, title: "Invalid intent document" },
  intent_too_large: { status: 413, title: "Intent document too large" },
  query_invalid: { status: 400, title: "Invalid query parameter" },
  not_found: { status: 404, title: "Intent not found" },
  policies_unavailable: { status: 503, title: "Policies cannot be evaluated" },
} as const;

export type IntentErrorCode = keyof typeof TABLE;
export const INTENT_ERROR_CODES = Object.keys(TABLE) as IntentErrorCode[];

export class IntentError extends DomainError<IntentErrorCode> {
  override name = "IntentError";
  protected readonly problems = TABLE;
}
