/**
 * What PTERI's server policy (PTERI_SIGNATURE_RULES) would still refuse about
 * a signature that may well be valid under RFC 9421: every finding, not just
 * the first, so a developer fixes them all in one go. Decisions come from the
 * rules object and lib/protocol's checks (checkTime, checkSignedContentDigest);
 * this only words them for a person.
 */
import {
  checkSignedContentDigest,
  checkTime,
  MIN_NONCE_LENGTH,
  PTERI_SIGNATURE_RULES,
  type ComponentRequirement,
  type ParsedSignature,
  type SignableRequest,
  type VerifyFailureCode,
  type VerifyPolicy,
} from "../protocol";

export type PolicyFinding = { code: VerifyFailureCode | string; message: string };

const PARAM_WHY: Record<string, string> = {
  created: "the server needs it to bound the signature's age",
  expires: `PTERI signatures expire at most ${PTERI_SIGNATURE_RULES.maxAgeSeconds} s after they are created`,
  nonce: `the server refuses replays by (keyid, nonce); use at least ${MIN_NONCE_LENGTH} base64url characters (128 random bits)`,
  keyid: "the server looks the key up by it",
};

function describe(req: ComponentRequirement): string {
  return typeof req === "string" ? req : req.anyOf.map((set) => set.join(" + ")).join(" or ");
}

function isMet(req: ComponentRequirement, covered: ReadonlySet<string>): boolean {
  return typeof req === "string" ? covered.has(req) : req.anyOf.some((set) => set.every((c) => covered.has(c)));
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");

function timeFindings(sig: ParsedSignature, now: number): PolicyFinding[] {
  const policy: VerifyPolicy = { ...PTERI_SIGNATURE_RULES, now: () => now };
  const { created, expires } = sig.params;
  // Checked one parameter at a time so that both an expiry and an age problem are reported.
  const findings = [checkTime({ expires }, policy, now), checkTime({ created }, policy, now)];
  return findings.flatMap((f) => {
    if (!f) return [];
    const at = f.code === "expired" ? `expires ${iso(expires ?? 0)}` : `created ${iso(created ?? 0)}`;
    return [{ code: f.code, message: `${f.message.replace(/\.$/, "")} (${at}; now ${iso(now)}; up to ${PTERI_SIGNATURE_RULES.maxAgeSeconds} s old, ±${PTERI_SIGNATURE_RULES.clockSkewSeconds} s clock skew).` }];
  });
}

export type ReportInput = {
  sig: ParsedSignature;
  request: SignableRequest;
  body: Uint8Array;
  now: number;
  /** How many signatures the request carries (the server checks requests with exactly one). */
  signatureCount: number;
  /** PTERI key id of the public key the user gave. */
  keyId: string;
};

export function serverPolicyFindings({ sig, request, body, now, signatureCount, keyId }: ReportInput): PolicyFinding[] {
  const rules = PTERI_SIGNATURE_RULES;
  const out: PolicyFinding[] = [];
  if (signatureCount > 1) out.push({ code: "signature_malformed", message: `the request carries ${signatureCount} signatures; the server accepts requests with exactly one` });
  if (sig.params.alg !== undefined && !(rules.algorithms as readonly string[]).includes(sig.params.alg)) {
    out.push({ code: "algorithm_unsupported", message: `alg "${sig.params.alg}" is not accepted; use ${rules.algorithms.join(", ")}` });
  }
  for (const p of rules.requiredParams) {
    if (sig.params[p] === undefined) out.push({ code: "signature_params_missing", message: `no ${p} parameter: ${PARAM_WHY[p] ?? "the server requires it"}` });
  }
  if (sig.params.nonce !== undefined && sig.params.nonce.length < MIN_NONCE_LENGTH) {
    out.push({ code: "nonce_too_short", message: `the nonce has ${sig.params.nonce.length} characters; the server requires at least ${MIN_NONCE_LENGTH}` });
  }
  if (sig.params.keyid !== undefined && sig.params.keyid !== keyId) {
    out.push({ code: "key_unknown", message: `keyid "${sig.params.keyid}" is not this key's PTERI key id ${keyId} (its RFC 7638 thumbprint), under which the server knows it` });
  }
  const covered = new Set(sig.components);
  const hasBody = body.length > 0;
  for (const req of [...rules.requiredComponents, ...(hasBody ? rules.requiredComponentsWithBody : [])]) {
    if (!isMet(req, covered)) out.push({ code: "component_missing", message: `the signature does not cover ${describe(req)}${hasBody && req === "content-digest" ? ", so the body is not protected" : ""}` });
  }
  const digest = checkSignedContentDigest(request, body, sig.components);
  if (!digest.ok && digest.code !== "component_missing") out.push({ code: digest.code, message: digest.message });
  return [...out, ...timeFindings(sig, now)];
}
