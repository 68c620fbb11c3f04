/**
 * Operator-domain errors as RFC 9457 problems: one table from code to HTTP status and title.
 */
import { problemResponse } from "../http/problem";
import type { OperatorError, OperatorErrorCode } from "../operators/errors";

const TABLE: Record<OperatorErrorCode, { status: number; title: string }> = {
  invalid_request: { status: 400, title: "Invalid request" },
  unauthenticated: { status: 401, title: "Sign-in required" },
  forbidden: { status: 403, title: "Not allowed" },
  cross_origin: { status: 403, title: "Cross-origin request refused" },
  not_found: { status: 404, title: "Not found" },
  token_invalid: { status: 400, title: "Invalid link" },
  token_expired: { status: 410, title: "Link expired" },
  token_used: { status: 410, title: "Link already used" },
  token_revoked: { status: 410, title: "Link revoked" },
  challenge_invalid: { status: 400, title: "Passkey prompt expired" },
  passkey_unknown: { status: 401, title: "Unknown passkey" },
  passkey_invalid: { status: 401, title: "Passkey not verified" },
  passkey_exists: { status: 409, title: "Passkey already registered" },
  operator_disabled: { status: 403, title: "Operator disabled" },
  rate_limited: { status: 429, title: "Too many attempts" },
  last_admin: { status: 409, title: "Last administrator" },
  last_passkey: { status: 409, title: "Last passkey" },
  setup_closed: { status: 409, title: "Setup already done" },
  conflict: { status: 409, title: "Conflict" },
};

export function operatorProblem(error: OperatorError): Response {
  const { status, title } = TABLE[error.code];
  const retry = error.extensions?.retryAfterSeconds;
  return problemResponse(
    { code: error.code, status, title, detail: error.message, extensions: error.extensions },
    typeof retry === "number" ? { "retry-after": String(retry) } : undefined,
  );
}

export function statusOf(code: OperatorErrorCode): number {
  return TABLE[code].status;
}
