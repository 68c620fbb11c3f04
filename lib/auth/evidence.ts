/**
 * What a `machine.request` audit entry keeps: enough of the original signed material that
 * anyone can re-verify the signature offline, long after the fact, without trusting PTERI:
 * the signature base that was signed, the signature, and the public key (whose RFC 7638
 * thumbprint must equal keyId). The raw header values are kept as received too.
 */
import { base64Encode } from "../protocol/encoding";
import type { ResolvedKey, VerifySuccess } from "../protocol/httpsig/verify";
import type { PublicJwk } from "../protocol/keys";

export const MACHINE_REQUEST_EVIDENCE_VERSION = 1;

export interface MachineRequestEvidence {
  v: typeof MACHINE_REQUEST_EVIDENCE_VERSION;
  method: string;
  targetUri: string;
  label: string;
  keyId: string;
  alg: "ed25519";
  publicJwk: PublicJwk;
  created: number | null;
  expires: number | null;
  nonce: string | null;
  components: string[];
  /** The Signature-Input and Signature header values as received (all labels). */
  signatureInput: string;
  signatureHeader: string;
  /** RFC 9421 signature base, exactly the bytes (UTF-8) that were signed. */
  signatureBase: string;
  /** The Ed25519 signature, standard base64. */
  signature: string;
  /** Content-Digest header as received, when the request had one. */
  contentDigest?: string;
}

export function machineRequestEvidence(
  request: { method: string; headers: Headers },
  targetUri: string,
  verified: VerifySuccess<ResolvedKey>,
  publicJwk: PublicJwk,
): MachineRequestEvidence {
  const { params } = verified;
  const evidence: MachineRequestEvidence = {
    v: MACHINE_REQUEST_EVIDENCE_VERSION,
    method: request.method,
    targetUri,
    label: verified.label,
    keyId: verified.keyId,
    alg: "ed25519",
    publicJwk,
    created: params.created ?? null,
    expires: params.expires ?? null,
    nonce: params.nonce ?? null,
    components: verified.components,
    signatureInput: request.headers.get("signature-input") ?? "",
    signatureHeader: request.headers.get("signature") ?? "",
    signatureBase: verified.signatureBase,
    signature: base64Encode(verified.signature),
  };
  const digest = request.headers.get("content-digest");
  if (digest !== null) evidence.contentDigest = digest;
  return evidence;
}
