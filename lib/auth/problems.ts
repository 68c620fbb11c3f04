/**
 * Every way request authentication can fail, in ONE table: code -> HTTP status, title and
 * the sentence that tells the caller what to fix. The codes are the protocol verifier's
 * closed set, the body-digest codes, and the few the server adds (body size, outage).
 * docs/protocol.md lists this table verbatim; tests/auth/problems-doc.test.ts keeps them equal.
 */
import { DIGEST_FAILURE_CODES } from "../protocol/digest";
import { VERIFY_FAILURE_CODES } from "../protocol/httpsig/errors";
import { PTERI_SIGNATURE_RULES, MIN_NONCE_LENGTH } from "../protocol/httpsig/policy";
import { problemResponse } from "../http/problem";
import { MAX_BODY_BYTES, MAX_SIGNATURE_HEADER_BYTES } from "./limits";

export const SERVER_AUTH_CODES = ["key_pending", "machine_permission_missing", "body_too_large", "body_unreadable", "auth_unavailable"] as const;
export const AUTH_PROBLEM_CODES = [...VERIFY_FAILURE_CODES, ...DIGEST_FAILURE_CODES, ...SERVER_AUTH_CODES] as const;
export type AuthProblemCode = (typeof AUTH_PROBLEM_CODES)[number];

export interface AuthProblemSpec {
  status: 400 | 401 | 403 | 413 | 503;
  title: string;
  /** What the caller should do; the default `detail` when no more specific reason is known. */
  fix: string;
}

const { maxAgeSeconds, clockSkewSeconds } = PTERI_SIGNATURE_RULES;
const KIB = MAX_SIGNATURE_HEADER_BYTES / 1024;
const MIB = MAX_BODY_BYTES / (1024 * 1024);

// 401: the request is not (or no longer) authentic. 400: it is malformed, fix the client.
// 403: the key is known but may not be used. 413: too large. 503: try again later.
export const AUTH_PROBLEMS = {
  signature_missing: { status: 401, title: "Request not signed", fix: "Sign the request (RFC 9421): send Signature-Input and Signature headers with one Ed25519 signature." },
  signature_malformed: { status: 400, title: "Malformed signature headers", fix: `Send Signature-Input and Signature as RFC 8941 dictionaries of at most ${KIB} KiB each, carrying exactly one signature (or the expected label).` },
  signature_params_missing: { status: 400, title: "Signature parameters missing", fix: "Include created, expires, nonce and keyid in the signature parameters." },
  component_missing: { status: 400, title: "Required component not signed", fix: "Cover @method and @target-uri (or @authority, @path and @query); for a request with a body also content-digest and content-type." },
  component_unsupported: { status: 400, title: "Unsupported component", fix: "Cover only @method, @target-uri, @authority, @scheme, @path, @query and plain header fields, without component parameters." },
  header_missing: { status: 400, title: "Covered header absent", fix: "Send every header field that the signature covers." },
  algorithm_unsupported: { status: 400, title: "Algorithm not accepted", fix: 'Sign with Ed25519 and set alg="ed25519" (or leave alg out).' },
  nonce_too_short: { status: 400, title: "Nonce too short", fix: `Use a fresh random nonce of at least ${MIN_NONCE_LENGTH} base64url characters (128 bits) for every request.` },
  key_unknown: { status: 401, title: "Unknown key", fix: "Register the machine's public key first, or sign with the key that is enrolled (keyid is its RFC 7638 JWK thumbprint)." },
  key_revoked: { status: 403, title: "Key revoked", fix: "This key can no longer be used; enroll a new key for the machine." },
  key_suspended: { status: 403, title: "Key suspended", fix: "Ask an operator to reinstate the machine." },
  expired: { status: 401, title: "Signature expired", fix: "Sign the request again right before sending it, and check the signer's clock." },
  not_yet_valid: { status: 401, title: "Signature created in the future", fix: `Fix the signer's clock: created is more than ${clockSkewSeconds} seconds ahead of the server.` },
  too_old: { status: 401, title: "Signature too old", fix: `Sign each request right before sending it: created must be less than ${maxAgeSeconds} seconds old.` },
  signature_invalid: { status: 401, title: "Signature invalid", fix: "Sign with the private key of this keyid, over exactly the method, target URI (the Console's public URL) and headers that are sent." },
  replayed: { status: 401, title: "Request replayed", fix: "Sign every request anew with a fresh nonce: a signed request is accepted once." },
  digest_missing: { status: 400, title: "Content-Digest missing", fix: "Send a Content-Digest header (RFC 9530, sha-256 or sha-512 of the body) and cover it in the signature." },
  digest_malformed: { status: 400, title: "Content-Digest malformed", fix: "Send Content-Digest as sha-256=:BASE64: or sha-512=:BASE64: (RFC 9530)." },
  digest_unsupported: { status: 400, title: "Digest algorithm not supported", fix: "Use sha-256 or sha-512 in Content-Digest." },
  digest_mismatch: { status: 401, title: "Body does not match its digest", fix: "Send exactly the body that was signed, and compute Content-Digest over the bytes sent." },
  key_pending: { status: 403, title: "Key awaiting confirmation", fix: "An operator must confirm this machine's fingerprint in the Console (Machines) before its key can sign requests." },
  machine_permission_missing: { status: 403, title: "Machine permission missing", fix: "This endpoint needs a machine permission this machine lacks; an editor can grant it on the machine's page in the Console." },
  body_too_large: { status: 413, title: "Request body too large", fix: `Send at most ${MIB} MiB in one request.` },
  body_unreadable: { status: 400, title: "Request body unreadable", fix: "Send the complete body, matching Content-Length." },
  auth_unavailable: { status: 503, title: "Authentication unavailable", fix: "The Console could not reach its database; retry in a few seconds." },
} as const satisfies Record<AuthProblemCode, AuthProblemSpec>;

export function isAuthProblemCode(code: string): code is AuthProblemCode {
  return Object.hasOwn(AUTH_PROBLEMS, code);
}

/**
 * The problem+json answer for a code. `detail` is the verifier's specific sentence when it
 * has one (they never echo secrets), otherwise the table's fix.
 */
export function authProblemResponse(code: AuthProblemCode, detail?: string): Response {
  const spec: AuthProblemSpec = AUTH_PROBLEMS[code];
  const headers: Record<string, string> = {};
  if (spec.status === 503) headers["retry-after"] = "5";
  return problemResponse({ code, status: spec.status, title: spec.title, detail: detail ?? spec.fix }, headers);
}
