/**
 * The resource service's side of execution (wire format: lib/intents/verify-wire.ts).
 *
 * verifyExecution: a machine sent this service a signed request naming an intent
 * (pteri-intent). The service forwards it to POST /api/v1/verify, signed with the SERVICE's
 * own key (the service is an enrolled machine holding intents.verify for its audience),
 * together with the Content-Digest computed here over the body bytes actually received. PTERI
 * answers allow (once: the intent is then executed) or deny with a reason.
 *
 * Framework-agnostic and portable (no node: imports): the caller passes the method, the
 * absolute target URI as its clients address it, the headers and the body bytes. For node:http
 * and Express, lib/sdk/middleware.ts wraps it.
 */
import { MAX_VERIFY_BODY_BYTES, VERIFY_PATH, VERIFY_REASONS, type VerifyAnswer, type VerifyBody } from "../intents/verify-wire";
import { INTENT_HEADER } from "../intents/wire";
import { createContentDigest, headerValue, nobleEd25519, normalizeHeaders, utf8Encode, type DigestAlgorithm, type Ed25519Backend, type HeaderInput } from "../protocol";
import { jsonBody } from "./body";
import { PteriServerError, serverBaseUrl } from "./enroll";
import { PteriSdkError } from "./errors";
import type { PrivateKeyInput } from "./keys";
import { createSignedFetch } from "./signed-fetch";

export type VerifyExecutionOptions = {
  /** The Console's URL (PTERI_PUBLIC_URL). */
  server: string | URL;
  /** The resource service's own machine key (it signs the verify call). */
  key: PrivateKeyInput;
  /** The received request's method. */
  method: string;
  /** The absolute target URI as clients address this service (its public URL + path and query). */
  url: string;
  /** The received headers (Headers, a record such as node's req.headers, or pairs). */
  headers: HeaderInput;
  /** The body bytes received (a string is UTF-8); null or empty for none. */
  body: Uint8Array | string | null;
  fetch?: typeof fetch;
  /** Ed25519 back end; default @noble/ed25519 (the node entry passes node:crypto). */
  backend?: Ed25519Backend;
  signal?: AbortSignal;
};

/** Fields always forwarded when present; the signature's other covered fields are added from Signature-Input. */
const ALWAYS_FORWARDED = ["signature", "signature-input", "content-digest", "content-type", INTENT_HEADER];

/** The header fields the signature needs: the fixed ones and every field Signature-Input names. */
export function forwardedHeaders(headers: HeaderInput): Record<string, string> {
  const map = normalizeHeaders(headers);
  const covered = [...(headerValue(map, "signature-input") ?? "").matchAll(/"([a-z0-9!#$%&'*+.^_`|~-]+)"/g)].map((m) => m[1]!);
  const out: Record<string, string> = {};
  for (const name of new Set([...ALWAYS_FORWARDED, ...covered])) {
    const value = headerValue(map, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** sha-512 when the request's Content-Digest uses it, else sha-256: the digests must be comparable. */
function digestAlgorithm(forwarded: Record<string, string>): DigestAlgorithm {
  return forwarded["content-digest"]?.trim().startsWith("sha-512=") ? "sha-512" : "sha-256";
}

/** The verify body for a received request. */
export function verifyBodyFor(options: Pick<VerifyExecutionOptions, "method" | "url" | "headers" | "body">): VerifyBody {
  const bytes = typeof options.body === "string" ? utf8Encode(options.body) : options.body;
  const headers = forwardedHeaders(options.headers);
  return {
    request: { method: options.method.toUpperCase(), targetUri: options.url, headers },
    bodyDigest: bytes && bytes.length > 0 ? createContentDigest(bytes, digestAlgorithm(headers)) : null,
  };
}

async function answerOf(response: Response): Promise<VerifyAnswer> {
  const invalid = (why: string) => new PteriServerError(response.status, "response_invalid", `The server's verification answer ${why}.`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw invalid("is not JSON");
  }
  const a = body as Partial<VerifyAnswer> | null;
  if (!a || (a.decision !== "allow" && a.decision !== "deny")) throw invalid("has no decision");
  if (!(VERIFY_REASONS as readonly unknown[]).includes(a.reason)) throw invalid(`has an unknown reason ${JSON.stringify(String(a.reason)).slice(0, 40)}`);
  // Never allow on an inconsistent answer: allow comes with reason "allowed" and the intent.
  if (a.decision === "allow" && (a.reason !== "allowed" || !a.intent || typeof a.intent.id !== "string")) throw invalid("allows without naming the intent");
  return a as VerifyAnswer;
}

/**
 * Asks PTERI whether the received request may execute its intent. Resolves with the answer
 * (allow or deny, with the reason); throws PteriServerError when PTERI refuses the call itself
 * (e.g. machine_permission_missing: this service lacks intents.verify) or answers something
 * unexpected, and the fetch error when PTERI cannot be reached. Either way the caller must not
 * execute: only a resolved `allow` means go.
 */
export async function verifyExecution(options: VerifyExecutionOptions): Promise<VerifyAnswer> {
  const base = serverBaseUrl(options.server);
  const text = JSON.stringify(verifyBodyFor(options));
  if (text.length > MAX_VERIFY_BODY_BYTES) throw new PteriSdkError("invalid_argument", `The request's signature headers are too large to forward (at most ${MAX_VERIFY_BODY_BYTES / 1024} KiB).`);
  const signedFetch = createSignedFetch({ key: options.key, backend: options.backend ?? nobleEd25519, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const response = await signedFetch(`${base}${VERIFY_PATH}`, jsonBody(JSON.parse(text), { method: "POST", redirect: "manual", signal: options.signal }));
  if (response.status !== 200) throw await PteriServerError.fromResponse(response);
  return answerOf(response);
}
