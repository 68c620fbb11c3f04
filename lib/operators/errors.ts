/**
 * One error type for the operator domain, with a closed set of codes. Callers branch on the
 * code; the HTTP layer maps each code to a status in one table (lib/session/problems.ts).
 * Details are sentences for people and never contain secrets (tokens, keys, cookies).
 */
export const OPERATOR_ERROR_CODES = [
  "invalid_request",
  "unauthenticated",
  "forbidden",
  "cross_origin",
  "not_found",
  "token_invalid",
  "token_expired",
  "token_used",
  "token_revoked",
  "challenge_invalid",
  "passkey_unknown",
  "passkey_invalid",
  "passkey_exists",
  "operator_disabled",
  "rate_limited",
  "last_admin",
  "last_passkey",
  "setup_closed",
  "conflict",
] as const;
export type OperatorErrorCode = (typeof OPERATOR_ERROR_CODES)[number];

export class OperatorError extends Error {
  override name = "OperatorError";
  constructor(
    readonly code: OperatorErrorCode,
    message: string,
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isOperatorError(error: unknown): error is OperatorError {
  return error instanceof OperatorError;
}
