/**
 * The intent document and how machines talk to PTERI about intents: the one schema, the
 * intent's identity (SHA-256 of its RFC 8785 canonical form, per the product brief), paths and
 * the header that names an intent on the execution request. Portable (no node:, no database):
 * the SDK and CLI build intents with exactly the definitions the server checks them with.
 *
 * An intent says what a machine wants to do (action, resource, parameters), for which resource
 * service (audience), and commits to the exact request it will later send there (method,
 * target URI, body digest). `nonce` is optional: two intents with the same content are the
 * same intent (resubmission is idempotent) unless their nonces differ.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { z } from "zod";
import { DIGEST_ALGORITHMS } from "../protocol/digest";
import { base64UrlEncode, hexEncode, utf8Encode } from "../protocol/encoding";
import { canonicalJson } from "../protocol/jcs";

export const INTENT_FORMAT = "pteri.intent/v1";
export const INTENTS_PATH = "/api/v1/intents";
/** The execution request names its intent in this header, covered by the machine's signature. */
export const INTENT_HEADER = "pteri-intent";

export const INTENT_LIMITS = {
  /** Canonical document size. */
  maxBytes: 64 * 1024,
  maxActionLength: 200,
  maxResourceLength: 1024,
  maxAudienceLength: 512,
  maxParamsDepth: 8,
} as const;

const ACTION_RE = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const METHOD_RE = /^[A-Z]{1,16}$/;
const DIGEST_RE = new RegExp(`^(${DIGEST_ALGORITHMS.join("|")})=:[A-Za-z0-9+/]+={0,2}:$`);

function depth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depth));
  if (value !== null && typeof value === "object") return 1 + Math.max(0, ...Object.values(value).map(depth));
  return 0;
}

const httpUrl = z.string().max(2048).refine((text) => {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password && !url.hash;
  } catch {
    return false;
  }
}, "must be an absolute http(s) URL without credentials or fragment");

export const intentDocumentSchema = z
  .object({
    format: z.literal(INTENT_FORMAT),
    action: z.string().max(INTENT_LIMITS.maxActionLength).regex(ACTION_RE, "an action is dot-separated lowercase words, like payments.transfer"),
    resource: z.string().min(1).max(INTENT_LIMITS.maxResourceLength),
    params: z.record(z.string(), z.unknown()).refine((p) => depth(p) <= INTENT_LIMITS.maxParamsDepth, `parameters nest at most ${INTENT_LIMITS.maxParamsDepth} levels`),
    /** The resource service that will execute it: its base URL (origin, optionally a path). */
    audience: httpUrl,
    execute: z
      .object({
        method: z.string().regex(METHOD_RE, "an HTTP method in capitals, like POST"),
        targetUri: httpUrl,
        /** RFC 9530 Content-Digest of the body the request will carry; null for no body. */
        contentDigest: z.string().regex(DIGEST_RE, "a Content-Digest value, like sha-256=:BASE64:").nullable(),
      })
      .strict(),
    nonce: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine((doc) => doc.execute.targetUri.startsWith(doc.audience.replace(/\/?$/, "/")) || doc.execute.targetUri === doc.audience, {
    message: "the request to execute must go to the audience (its target URI starts with the audience URL)",
    path: ["execute", "targetUri"],
  });

export type IntentDocument = z.infer<typeof intentDocumentSchema>;

/** The bytes that identify an intent: its RFC 8785 canonical JSON. */
export function canonicalIntent(doc: IntentDocument): Uint8Array {
  return utf8Encode(canonicalJson(doc));
}

/** The intent's identity: SHA-256 of its canonical form, hex (as shown and stored) and base64url (for WebAuthn challenges). */
export function intentHash(doc: IntentDocument): { hex: string; base64url: string } {
  const digest = sha256(canonicalIntent(doc));
  return { hex: hexEncode(digest), base64url: base64UrlEncode(digest) };
}

export const INTENT_STATUSES = ["pending", "allowed", "approved", "denied", "rejected", "expired", "executed"] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

/** What the server answers about an intent (POST and GET /api/v1/intents…). */
export interface IntentAnswer {
  id: string;
  hash: string;
  status: IntentStatus;
  /** The policy decision: allow, allow_with_approval or deny, with the deciding rules and reason. */
  decision: { decision: "allow" | "allow_with_approval" | "deny"; reason: string; message: string; rules: { policyId: string; policyVersion: number; ruleId: string }[] };
  /** Until when it may be approved (pending) or executed (allowed, approved). */
  expiresAt: string | null;
  createdAt: string;
  approvals?: { required: number; received: number };
}
