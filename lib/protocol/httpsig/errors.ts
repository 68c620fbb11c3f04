/**
 * The closed set of reasons a signed request is refused. Callers branch on
 * `code` (and map it to an RFC 9457 problem type), never on `message`;
 * messages say what to fix and never echo secrets or stack traces.
 */
export const VERIFY_FAILURE_CODES = [
  "signature_missing", // no Signature-Input / Signature, or not the expected label
  "signature_malformed", // unparseable, duplicated, oversized or ill-typed signature fields
  "signature_params_missing", // a required signature parameter (created, expires, nonce, keyid, alg) is absent
  "component_missing", // a component the policy requires is not covered
  "component_unsupported", // a covered component or component parameter PTERI does not implement
  "header_missing", // a covered header field is absent from the request
  "algorithm_unsupported", // alg names an algorithm outside the policy allowlist
  "key_unknown",
  "key_revoked",
  "key_suspended",
  "expired", // past `expires` (plus clock skew)
  "not_yet_valid", // `created` is in the future beyond clock skew
  "too_old", // `created` is older than maxAgeSeconds (plus clock skew)
  "signature_invalid",
  "replayed", // the (keyid, nonce) pair was already used
  "nonce_too_short", // nonce shorter than 22 characters (room for 128 bits in base64url)
] as const;

export type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];

export type Failure<C extends string = VerifyFailureCode> = { ok: false; code: C; message: string };

export function failure<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}

/** Thrown by the signing side (the signer's own mistakes, never hostile input). */
export class SigningError extends Error {
  readonly code: VerifyFailureCode | "invalid_argument";
  constructor(code: VerifyFailureCode | "invalid_argument", message: string) {
    super(message);
    this.name = "SigningError";
    this.code = code;
  }
}
