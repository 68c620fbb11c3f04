/**
 * Execution verification, the wire contract (POST /api/v1/verify). Portable: the SDK's
 * verifyExecution and the resource-service middleware build the body with exactly the schema
 * the server checks it with, and read the same answer type.
 *
 * A resource service received a machine's signed request naming an intent (pteri-intent
 * header). It forwards that request as it saw it, and the Content-Digest it computed itself
 * over the body bytes it actually received, so a body changed in transit is caught even when
 * the Content-Digest header was left alone. PTERI answers allow (and marks the intent
 * executed, once) or deny with a reason from VERIFY_REASONS; see docs/intents.md.
 */
import { z } from "zod";
import { DIGEST_ALGORITHMS } from "../protocol/digest";

export const VERIFY_PATH = "/api/v1/verify";

/** Largest verify body: a request line, a few headers and a digest; signatures stay far below. */
export const MAX_VERIFY_BODY_BYTES = 64 * 1024;
export const MAX_FORWARDED_HEADERS = 32;
/** Signature-Input and Signature are at most 8 KiB each (lib/auth/limits.ts); other fields less. */
export const MAX_FORWARDED_HEADER_LENGTH = 8 * 1024;

const FIELD_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const METHOD_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;
const DIGEST_RE = new RegExp(`^(${DIGEST_ALGORITHMS.join("|")})=:[A-Za-z0-9+/]+={0,2}:$`);

const absoluteHttpUrl = z
  .string()
  .max(8192)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must be the absolute http(s) URL the service was addressed with");

export const verifyBodySchema = z
  .object({
    /** The request the service received, as it saw it. */
    request: z
      .object({
        method: z.string().regex(METHOD_RE, "an HTTP method, like POST"),
        /** Absolute: the service's public URL + the path and query it received. */
        targetUri: absoluteHttpUrl,
        /**
         * The header fields the signature needs: signature, signature-input, pteri-intent,
         * content-digest, content-type and any other covered field. Several field lines of one
         * name are sent joined with ", " (RFC 9110 section 5.3).
         */
        headers: z
          .record(z.string().regex(FIELD_NAME_RE, "a header field name"), z.string().max(MAX_FORWARDED_HEADER_LENGTH))
          .refine((h) => Object.keys(h).length <= MAX_FORWARDED_HEADERS, `at most ${MAX_FORWARDED_HEADERS} header fields`),
      })
      .strict(),
    /** RFC 9530 Content-Digest the service computed over the body it received; null when it received none. */
    bodyDigest: z.string().regex(DIGEST_RE, "a Content-Digest value, like sha-256=:BASE64:").nullable(),
  })
  .strict();

export type VerifyBody = z.infer<typeof verifyBodySchema>;

/**
 * Why the answer is what it is: a closed set. `allowed` is the only reason with decision
 * allow; every other reason is a deny. docs/intents.md explains each.
 */
export const VERIFY_REASONS = [
  "allowed",
  "signature_missing",
  "signature_invalid",
  "signature_expired",
  "components_missing",
  "key_unknown",
  "key_revoked",
  "machine_inactive",
  "body_mismatch",
  "intent_missing",
  "intent_unknown",
  "audience_not_allowed",
  "request_mismatch",
  "intent_not_approved",
  "intent_expired",
  "intent_executed",
] as const;
export type VerifyReason = (typeof VERIFY_REASONS)[number];
export type VerifyDenyReason = Exclude<VerifyReason, "allowed">;

/** For request_mismatch: which part differs from what the intent committed to. */
export const REQUEST_MISMATCHES = ["method", "target", "digest"] as const;
export type RequestMismatch = (typeof REQUEST_MISMATCHES)[number];

/** The intent an answer is about (null when the request named none that the signer owns). */
export interface VerifiedIntent {
  id: string;
  hash: string;
  action: string;
  resource: string;
  params: Record<string, unknown>;
  /** The machine that declared it and signed the request. */
  machineId: string;
}

/** What POST /api/v1/verify answers, with HTTP 200, for allow and deny alike. */
export interface VerifyAnswer {
  decision: "allow" | "deny";
  reason: VerifyReason;
  message: string;
  /** request_mismatch only. */
  mismatch?: RequestMismatch;
  intent: VerifiedIntent | null;
  /** The audit entry that records this answer (intent.executed or intent.execution_refused). */
  auditSeq: number;
}
