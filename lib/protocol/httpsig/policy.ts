/**
 * The verification policy is a required argument: there is no "verify with
 * defaults" that could be called loosely. `PTERI_SIGNATURE_RULES` is the
 * product's policy minus the clock and the nonce store.
 */
import type { SignatureParams } from "./base";
import { failure, type Failure } from "./errors";
import type { ParsedSignature } from "./parse";

export type SignatureAlgorithm = "ed25519";
export type SignatureParamName = "created" | "expires" | "nonce" | "keyid" | "alg";
/** A component name, or alternatives of which one set must be fully covered. */
export type ComponentRequirement = string | { readonly anyOf: readonly (readonly string[])[] };

export interface VerifyPolicy {
  /** Must be covered by every signature. */
  readonly requiredComponents: readonly ComponentRequirement[];
  /** Must also be covered when the request has a body (e.g. content-digest, content-type). */
  readonly requiredComponentsWithBody?: readonly ComponentRequirement[];
  /** Must include "created" (age checks need it); "keyid" is needed to look the key up anyway. */
  readonly requiredParams: readonly SignatureParamName[];
  readonly algorithms: readonly SignatureAlgorithm[];
  readonly maxAgeSeconds: number;
  readonly clockSkewSeconds: number;
  /** Current time in seconds since the epoch. */
  readonly now: () => number;
  /**
   * Records (keyId, nonce) and returns false if it was seen before. Called only
   * after the signature verified. `expiresAt` (seconds) is when the signature
   * stops being acceptable, so the pair may be forgotten after it.
   */
  readonly checkNonce?: (keyId: string, nonce: string, expiresAt: number) => Promise<boolean> | boolean;
  /** Which signature label to verify; required if requests may carry several. */
  readonly label?: string;
}

/** Either the full target URI, or authority + path + query. */
export const FULL_TARGET: ComponentRequirement = { anyOf: [["@target-uri"], ["@authority", "@path", "@query"]] };

export const PTERI_SIGNATURE_RULES = {
  requiredComponents: ["@method", FULL_TARGET],
  requiredComponentsWithBody: ["content-digest", "content-type"],
  requiredParams: ["created", "expires", "nonce", "keyid"],
  algorithms: ["ed25519"],
  maxAgeSeconds: 300,
  clockSkewSeconds: 30,
} as const satisfies Omit<VerifyPolicy, "now">;

/** 22 base64url characters hold 132 bits: the shortest text with room for 128 random bits. */
export const MIN_NONCE_LENGTH = 22;

/** Configuration mistakes are the server's bug, not hostile input: they throw. */
export function assertValidPolicy(policy: VerifyPolicy): void {
  if (typeof policy !== "object" || policy === null) throw new TypeError("verifyRequest: policy is required");
  if (typeof policy.now !== "function") throw new TypeError("verifyRequest: policy.now is required");
  if (!Array.isArray(policy.requiredComponents)) throw new TypeError("verifyRequest: policy.requiredComponents is required");
  if (!Array.isArray(policy.algorithms) || policy.algorithms.length === 0) {
    throw new TypeError("verifyRequest: policy.algorithms must list at least one algorithm");
  }
  if (!Array.isArray(policy.requiredParams) || !policy.requiredParams.includes("created")) {
    throw new TypeError('verifyRequest: policy.requiredParams must include "created"');
  }
  for (const n of [policy.maxAgeSeconds, policy.clockSkewSeconds]) {
    if (!Number.isFinite(n) || n < 0) throw new TypeError("verifyRequest: maxAgeSeconds and clockSkewSeconds must be non-negative numbers");
  }
  if (policy.requiredParams.includes("nonce") && typeof policy.checkNonce !== "function") {
    throw new TypeError("verifyRequest: a policy that requires a nonce must provide checkNonce");
  }
}

function missingRequirement(covered: ReadonlySet<string>, reqs: readonly ComponentRequirement[]): string | null {
  for (const req of reqs) {
    if (typeof req === "string") {
      if (!covered.has(req)) return req;
    } else if (!req.anyOf.some((set) => set.every((c) => covered.has(c)))) {
      return req.anyOf.map((set) => set.join(" + ")).join(" or ");
    }
  }
  return null;
}

/** Policy checks that need only the parsed signature (before any key lookup). */
export function checkStructure(parsed: ParsedSignature, policy: VerifyPolicy, hasBody: boolean): Failure | null {
  const { params } = parsed;
  if (params.alg !== undefined && !(policy.algorithms as readonly string[]).includes(params.alg)) {
    return failure("algorithm_unsupported", `Algorithm "${params.alg.slice(0, 32)}" is not accepted; use ${policy.algorithms.join(", ")}.`);
  }
  const missing = [...new Set([...policy.requiredParams, "keyid" as const])].filter((p) => params[p] === undefined);
  if (missing.length > 0) {
    return failure("signature_params_missing", `Signature-Input lacks required parameter(s): ${missing.join(", ")}.`);
  }
  const covered = new Set(parsed.components);
  const reqs = [...policy.requiredComponents, ...(hasBody ? (policy.requiredComponentsWithBody ?? []) : [])];
  const absent = missingRequirement(covered, reqs);
  if (absent !== null) return failure("component_missing", `The signature must cover ${absent}.`);
  if (params.nonce !== undefined && params.nonce.length < MIN_NONCE_LENGTH) {
    return failure("nonce_too_short", `The nonce must be at least ${MIN_NONCE_LENGTH} characters (128 random bits, base64url).`);
  }
  return null;
}

/** Time window and clock skew; `now` in seconds. */
export function checkTime(params: SignatureParams, policy: VerifyPolicy, now: number): Failure | null {
  const skew = policy.clockSkewSeconds;
  if (params.expires !== undefined && now > params.expires + skew) {
    return failure("expired", "The signature has expired; sign the request again.");
  }
  if (params.created !== undefined) {
    if (params.created > now + skew) {
      return failure("not_yet_valid", "The signature was created in the future; check the signer's clock.");
    }
    if (now - params.created > policy.maxAgeSeconds + skew) {
      return failure("too_old", `The signature is older than ${policy.maxAgeSeconds} seconds; sign the request again.`);
    }
  }
  return null;
}

/** When the signature stops being acceptable, so a nonce store may forget it after that. */
export function acceptableUntil(params: SignatureParams, policy: VerifyPolicy): number {
  const skew = policy.clockSkewSeconds;
  const byAge = params.created !== undefined ? params.created + policy.maxAgeSeconds + skew : Number.POSITIVE_INFINITY;
  const byExpiry = params.expires !== undefined ? params.expires + skew : Number.POSITIVE_INFINITY;
  return Math.min(byAge, byExpiry);
}
