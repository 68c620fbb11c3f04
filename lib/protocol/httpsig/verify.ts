/**
 * RFC 9421 verification, in the order the product brief fixes: parse (and
 * every structural policy check), key lookup, time window, signature, then
 * single use of the nonce. The nonce is consumed only after the signature
 * verified, so a forged request can never burn a legitimate nonce. `keyid`
 * and `alg` are untrusted lookup hints until then.
 *
 * Hostile requests never make this throw. Exceptions from the caller's own
 * `resolveKey` / `checkNonce` (a database outage) do propagate: they are not
 * a verdict about the request and must not be reported as one.
 */
import type { Ed25519Backend } from "../ed25519";
import { utf8Encode } from "../encoding";
import { signatureBaseFromList, type SignatureParams } from "./base";
import { failure, type VerifyFailureCode } from "./errors";
import { requestContext, type SignableRequest } from "./message";
import { parseSignature } from "./parse";
import { acceptableUntil, assertValidPolicy, checkStructure, checkTime, type VerifyPolicy } from "./policy";

/** What the key store knows about a key id. */
export type ResolvedKey = { publicKey: Uint8Array; status?: "active" };
export type KeyRejection = { status: "unknown" | "revoked" | "suspended" };
export type KeyResolver<K extends ResolvedKey = ResolvedKey> = (
  keyId: string,
) => Promise<K | KeyRejection | null | undefined> | K | KeyRejection | null | undefined;

export type VerifyOptions<K extends ResolvedKey = ResolvedKey> = {
  policy: VerifyPolicy;
  resolveKey: KeyResolver<K>;
  backend: Ed25519Backend;
};

export type VerifySuccess<K extends ResolvedKey = ResolvedKey> = {
  ok: true;
  keyId: string;
  /** Whatever resolveKey returned (e.g. the machine record). */
  key: K;
  label: string;
  params: SignatureParams & { keyid: string };
  components: string[];
  signatureBase: string;
  signature: Uint8Array;
};

export type VerifyFailure = { ok: false; code: VerifyFailureCode; message: string; label?: string; signatureBase?: string };
export type VerifyResult<K extends ResolvedKey = ResolvedKey> = VerifySuccess<K> | VerifyFailure;

const KEY_CODES = { unknown: "key_unknown", revoked: "key_revoked", suspended: "key_suspended" } as const;

function usableKey<K extends ResolvedKey>(found: K | KeyRejection | null | undefined): K | VerifyFailureCode {
  if (found === null || found === undefined || typeof found !== "object") return "key_unknown";
  const status = (found as { status?: unknown }).status;
  if (status === undefined || status === "active") {
    const pk = (found as { publicKey?: unknown }).publicKey;
    return pk instanceof Uint8Array && pk.length === 32 ? (found as K) : "key_unknown";
  }
  // Own-property lookup: a status such as "toString" must not resolve to anything.
  return typeof status === "string" && Object.hasOwn(KEY_CODES, status) ? KEY_CODES[status as keyof typeof KEY_CODES] : "key_unknown";
}

const KEY_MESSAGES: Record<string, string> = {
  key_unknown: "No active key is registered under this keyid; enroll the machine or use its current key.",
  key_revoked: "This key has been revoked; enroll a new key.",
  key_suspended: "This key is suspended; ask an operator to reinstate it.",
};

export async function verifyRequest<K extends ResolvedKey = ResolvedKey>(
  request: SignableRequest,
  options: VerifyOptions<K>,
): Promise<VerifyResult<K>> {
  const { policy, resolveKey, backend } = options;
  assertValidPolicy(policy);

  // 1. Parse and check everything that needs only the message itself.
  const ctx = requestContext(request);
  if (!ctx.ok) return ctx;
  const parsed = parseSignature(ctx.ctx.headers, policy.label);
  if (!parsed.ok) return parsed;
  const sig = parsed.parsed;
  const label = sig.label;
  const structural = checkStructure(sig, policy, ctx.ctx.hasBody);
  if (structural) return { ...structural, label };
  const base = signatureBaseFromList(ctx.ctx, sig.list);
  if (!base.ok) return { ...base, label };
  const signatureBase = base.base;
  const keyId = sig.params.keyid as string; // checkStructure guarantees keyid

  // 2. Key lookup: the key must exist and be active.
  const key = usableKey(await resolveKey(keyId));
  if (typeof key === "string") return { ...failure(key, KEY_MESSAGES[key] ?? "Key not usable."), label, signatureBase };

  // 3. Time window and clock skew.
  const now = Math.floor(policy.now());
  // A broken clock would make every comparison false and accept anything: fail loudly.
  if (!Number.isFinite(now)) throw new TypeError("verifyRequest: policy.now() must return seconds as a finite number");
  const late = checkTime(sig.params, policy, now);
  if (late) return { ...late, label, signatureBase };

  // 4. The signature itself.
  const valid = await backend.verify(key.publicKey, utf8Encode(signatureBase), sig.signature);
  if (!valid) {
    return { ...failure("signature_invalid", "The signature does not match the request; check the key and the covered components."), label, signatureBase };
  }

  // 5. Single use of (keyid, nonce), only now that the request is authentic.
  if (sig.params.nonce !== undefined && policy.checkNonce) {
    const fresh = await policy.checkNonce(keyId, sig.params.nonce, acceptableUntil(sig.params, policy));
    if (fresh !== true) return { ...failure("replayed", "This signed request was already received; sign each request with a new nonce."), label, signatureBase };
  }

  return {
    ok: true,
    keyId,
    key,
    label,
    params: { ...sig.params, keyid: keyId },
    components: sig.components,
    signatureBase,
    signature: sig.signature,
  };
}
