/**
 * The one error class of the intents domain. Callers branch on `code`, a closed set, and show
 * `message`, a sentence that says what to fix. The HTTP status of each code lives in this
 * table, next to the codes (the pattern of lib/machines/errors.ts).
 */
import { problemResponse } from "../http/problem";

const TABLE = {
  body_invalid: { status: 400, title: "Request body malformed" },
  intent_invalid: { status: 400, title: "Invalid intent document" },
  intent_too_large: { status: 413, title: "Intent document too large" },
  query_invalid: { status: 400, title: "Invalid query parameter" },
  not_found: { status: 404, title: "Intent not found" },
  policies_unavailable: { status: 503, title: "Policies cannot be evaluated" },
} as const satisfies Record<string, { status: number; title: string }>;

export type IntentErrorCode = keyof typeof TABLE;
export const INTENT_ERROR_CODES = Object.keys(TABLE) as IntentErrorCode[];

export class IntentError extends Error {
  override name = "IntentError";
  readonly code: IntentErrorCode;
  /** Extra problem members (for intent_invalid: `path`, the zod issue path). */
  readonly extensions?: Record<string, unknown>;

  constructor(code: IntentErrorCode, message: string, extensions?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.extensions = extensions;
  }
}

export function isIntentError(error: unknown): error is IntentError {
  return error instanceof IntentError;
}

export function intentProblem(error: IntentError): Response {
  const { status, title } = TABLE[error.code];
  return problemResponse({ code: error.code, status, title, detail: error.message, extensions: error.extensions });
}

/**
 * Runs a route's work and answers an IntentError as its problem. Anything else is rethrown,
 * so machineRoute's own handler logs it in one line and answers 500.
 */
export async function withIntentErrors(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (isIntentError(error)) return intentProblem(error);
    throw error;
  }
}
