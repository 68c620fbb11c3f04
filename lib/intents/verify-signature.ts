/**
 * The forwarded request's signature, checked with the same verifier and key lookup as every
 * signed request to PTERI (lib/protocol/httpsig verifyRequest under PTERI_SIGNATURE_RULES,
 * lib/auth/machine-keys.ts), plus what execution needs on top: the signature must also cover
 * the pteri-intent header, and the Content-Digest header must be the digest the resource
 * service computed over the body it received.
 *
 * The key lookup is the authoritative one (the Machine row read now, never a remembered key):
 * a retired key answers key_revoked, a suspended or unconfirmed machine machine_inactive.
 * The signer's status is read again in the write transaction that marks the intent executed.
 */
import type { Db } from "../db/client";
import { machineKeyLookup, type MachineKey } from "../auth/machine-keys";
import type { Machine } from "../machines/model";
import type { Ed25519Backend } from "../protocol/ed25519";
import { headerValue, normalizeHeaders } from "../protocol/httpsig/message";
import { PTERI_SIGNATURE_RULES, type VerifyPolicy } from "../protocol/httpsig/policy";
import { verifyRequest, type VerifySuccess } from "../protocol/httpsig/verify";
import type { VerifyFailureCode } from "../protocol/httpsig/errors";
import type { VerifyBody, VerifyDenyReason } from "./verify-wire";
import { INTENT_HEADER } from "./wire";

export interface SignedExecution {
  ok: true;
  verified: VerifySuccess<MachineKey>;
  /** The machine that signed (its current key), active when read. */
  signer: Machine;
  intentId: string;
  /** As signed (the signature covers @method and the target). */
  method: string;
  headers: Headers;
  targetUri: string;
  /** The Content-Digest header (equal to the service's digest), or null for no body. */
  contentDigest: string | null;
}

export interface SignatureRefusal {
  ok: false;
  reason: VerifyDenyReason;
  message: string;
  /** The enrolled machine the keyid named, if any. */
  signer: Machine | null;
  intentId: string | null;
  keyId: string | null;
  signatureBase: string | null;
}

const MAX_INTENT_ID_LENGTH = 64;

/**
 * verifyRequest needs to know whether the request had a body (then content-digest and
 * content-type must be covered); the service tells us with bodyDigest. The bytes themselves
 * never reach PTERI and the signature base does not contain them, so one placeholder byte
 * stands for "a body".
 */
const SOME_BODY = new Uint8Array(1);
const NO_BODY = new Uint8Array(0);

/** Time-window failures are one reason; key states their own; everything else is an invalid signature. */
function reasonOf(code: VerifyFailureCode, found: Machine | null): VerifyDenyReason {
  switch (code) {
    case "signature_missing":
      return "signature_missing";
    case "expired":
    case "too_old":
    case "not_yet_valid":
      return "signature_expired";
    case "component_missing":
      return "components_missing";
    case "key_revoked":
      return "key_revoked";
    case "key_suspended":
      return "machine_inactive";
    case "key_unknown":
      // A machine awaiting confirmation has a key that is not usable yet.
      return found?.status === "pending" ? "machine_inactive" : "key_unknown";
    default:
      return "signature_invalid";
  }
}

const MESSAGES: Partial<Record<VerifyDenyReason, string>> = {
  components_missing: `The signature must cover @method, the target (@target-uri), the ${INTENT_HEADER} header, and for a request with a body content-digest and content-type.`,
  machine_inactive: "The machine that signed the request is not active (suspended, or not yet confirmed).",
  key_revoked: "The request is signed with a key that was revoked or replaced (pteri rekey); only the machine's current key can execute an intent.",
  key_unknown: "No enrolled machine signs with this keyid.",
};

export async function checkForwardedSignature(db: Db, body: VerifyBody, nowMs: number, backend: Ed25519Backend): Promise<SignedExecution | SignatureRefusal> {
  const { method, targetUri, headers: fields } = body.request;
  const map = normalizeHeaders(fields);
  const intentId = headerValue(map, INTENT_HEADER)?.trim() ?? null;
  const refuse = (reason: VerifyDenyReason, message: string, more: Partial<SignatureRefusal> = {}): SignatureRefusal => ({
    ok: false,
    reason,
    message,
    signer: null,
    intentId: intentId && intentId.length <= MAX_INTENT_ID_LENGTH ? intentId : null,
    keyId: null,
    signatureBase: null,
    ...more,
  });
  if (!intentId) return refuse("intent_missing", `The request names no intent: it needs a ${INTENT_HEADER} header, covered by the signature.`);
  if (intentId.length > MAX_INTENT_ID_LENGTH) return refuse("intent_unknown", "The intent id is longer than any intent id.");

  let headers: Headers;
  try {
    headers = new Headers(Object.entries(fields));
  } catch {
    return refuse("signature_invalid", "A forwarded header value is not a valid HTTP field value.");
  }

  const policy: VerifyPolicy = {
    ...PTERI_SIGNATURE_RULES,
    requiredComponents: [...PTERI_SIGNATURE_RULES.requiredComponents, INTENT_HEADER],
    now: () => nowMs / 1000,
    // No nonce claim: the request executes an intent, and the intent is single use (the
    // conditional update in verify.ts), so a replayed request is refused as intent_executed.
    checkNonce: () => true,
  };
  const lookup = machineKeyLookup(db);
  const verified = await verifyRequest<MachineKey>(
    { method, targetUri, headers: fields, body: body.bodyDigest === null ? NO_BODY : SOME_BODY },
    { policy, resolveKey: (keyId) => lookup.resolveKey(keyId), backend },
  );
  if (!verified.ok) {
    const reason = reasonOf(verified.code, lookup.found);
    return refuse(reason, MESSAGES[reason] ?? verified.message, { signer: lookup.found, keyId: lookup.found?.keyId ?? null, signatureBase: verified.signatureBase ?? null });
  }
  const signer = verified.key.machine;
  const signed = { signer, keyId: verified.keyId, signatureBase: verified.signatureBase };
  // A registered key proving possession resolves as usable; executing needs an active machine.
  if (signer.status !== "active") return refuse("machine_inactive", MESSAGES.machine_inactive!, signed);

  const contentDigest = headerValue(map, "content-digest")?.trim() ?? null;
  if (body.bodyDigest === null && contentDigest !== null) {
    return refuse("body_mismatch", "The request carries a Content-Digest but the service received no body.", signed);
  }
  if (body.bodyDigest !== null && contentDigest !== body.bodyDigest) {
    return refuse("body_mismatch", "The body the service received does not match the request's Content-Digest: it was changed after signing, or the service read it differently.", signed);
  }
  return { ok: true, verified, signer, intentId, method, headers, targetUri, contentDigest };
}
