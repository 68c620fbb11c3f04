/**
 * Body integrity after signature verification: the signature covers the
 * Content-Digest header, and this checks that header against the bytes that
 * actually arrived. Kept apart from verifyRequest so servers can verify the
 * signature before reading (possibly large) bodies.
 */
import { checkContentDigest, type DigestAlgorithm, type DigestFailureCode } from "../digest";
import { failure, type Failure } from "./errors";
import { headerValue, normalizeHeaders, type SignableRequest } from "./message";

export type SignedDigestResult =
  | { ok: true; alg: DigestAlgorithm | null }
  | Failure<DigestFailureCode | "component_missing">;

/**
 * `covered` is the verified signature's component list. A non-empty body must
 * have its Content-Digest covered and matching. An empty body passes, but if
 * a Content-Digest is covered it must still match (the empty digest).
 */
export function checkSignedContentDigest(
  request: Pick<SignableRequest, "headers">,
  body: Uint8Array | string,
  covered: readonly string[],
): SignedDigestResult {
  const isCovered = covered.includes("content-digest");
  const size = typeof body === "string" || body instanceof Uint8Array ? body.length : 0;
  if (!isCovered) {
    if (size === 0) return { ok: true, alg: null };
    return failure("component_missing", "The request has a body, so its signature must cover content-digest.");
  }
  const value = headerValue(normalizeHeaders(request.headers), "content-digest");
  const result = checkContentDigest(value, body);
  return result.ok ? { ok: true, alg: result.alg } : result;
}
