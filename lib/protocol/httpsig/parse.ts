/**
 * Parsing the Signature-Input and Signature fields of a request (RFC 9421
 * section 4) into one selected signature. Purely structural: no key lookup,
 * no clock, no crypto. Hostile input is bounded up front so rejecting it
 * stays cheap, and every failure is a typed result.
 */
import { isInnerList, type InnerList } from "structured-headers";
import { parseDictionaryStrict } from "../sf";
import type { SignatureParams } from "./base";
import { failure, type Failure } from "./errors";
import { headerValue, type HeaderMap } from "./message";

export const MAX_SIGNATURE_HEADER_LENGTH = 8192;
export const MAX_SIGNATURE_LABELS = 16;
export const MAX_COVERED_COMPONENTS = 32;
export const MAX_PARAM_STRING_LENGTH = 512;

export type ParsedSignature = {
  label: string;
  /** As received; re-serialized verbatim into the @signature-params line. */
  list: InnerList;
  components: string[];
  params: SignatureParams;
  signature: Uint8Array;
};

export type ParseSignatureResult = { ok: true; parsed: ParsedSignature } | Failure;

const INTEGER_PARAMS = new Set(["created", "expires"]);
const STRING_PARAMS = new Set(["nonce", "keyid", "alg", "tag"]);

function readParams(list: InnerList): { ok: true; params: SignatureParams } | Failure {
  const params: Record<string, string | number> = {};
  for (const [key, value] of list[1]) {
    if (INTEGER_PARAMS.has(key)) {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        return failure("signature_malformed", `Signature parameter "${key}" must be a non-negative integer (seconds since the epoch).`);
      }
      params[key] = value;
    } else if (STRING_PARAMS.has(key)) {
      if (typeof value !== "string" || value.length === 0 || value.length > MAX_PARAM_STRING_LENGTH) {
        return failure("signature_malformed", `Signature parameter "${key}" must be a non-empty quoted string of at most ${MAX_PARAM_STRING_LENGTH} characters.`);
      }
      params[key] = value;
    }
    // Unregistered parameters stay in the list (they are signed) but carry no meaning here.
  }
  const p = params as SignatureParams;
  if (p.created !== undefined && p.expires !== undefined && p.expires < p.created) {
    return failure("signature_malformed", 'Signature parameter "expires" is earlier than "created".');
  }
  return { ok: true, params: p };
}

function readField(headers: HeaderMap, name: string): { ok: true; value: string | undefined } | Failure {
  const value = headerValue(headers, name);
  if (value !== undefined && value.length > MAX_SIGNATURE_HEADER_LENGTH) {
    return failure("signature_malformed", `The ${name} header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters.`);
  }
  return { ok: true, value };
}

/**
 * Selects and parses one signature. With `label`, that label must be present;
 * without it, the request must carry exactly one signature, so the outcome
 * never depends on the order of several signatures.
 */
export function parseSignature(headers: HeaderMap, label?: string): ParseSignatureResult {
  const input = readField(headers, "signature-input");
  if (!input.ok) return input;
  const sig = readField(headers, "signature");
  if (!sig.ok) return sig;
  if (input.value === undefined || sig.value === undefined) {
    return failure("signature_missing", "The request is not signed: send Signature-Input and Signature headers (RFC 9421).");
  }
  const inputDict = parseDictionaryStrict(input.value);
  if (!inputDict.ok) return failure("signature_malformed", `Signature-Input is ${inputDict.reason}.`);
  const sigDict = parseDictionaryStrict(sig.value);
  if (!sigDict.ok) return failure("signature_malformed", `Signature is ${sigDict.reason}.`);
  if (inputDict.dict.size > MAX_SIGNATURE_LABELS || sigDict.dict.size > MAX_SIGNATURE_LABELS) {
    return failure("signature_malformed", `A request may carry at most ${MAX_SIGNATURE_LABELS} signatures.`);
  }

  let chosen = label;
  if (chosen === undefined) {
    if (inputDict.dict.size === 0) return failure("signature_missing", "Signature-Input is empty.");
    if (inputDict.dict.size > 1) {
      return failure("signature_malformed", "The request carries several signatures and the verifier is not configured with the label to check.");
    }
    chosen = [...inputDict.dict.keys()][0] ?? "";
  }
  const member = inputDict.dict.get(chosen);
  if (member === undefined) return failure("signature_missing", `No signature labelled "${chosen}" in Signature-Input.`);
  const sigMember = sigDict.dict.get(chosen);
  if (sigMember === undefined) return failure("signature_missing", `Signature-Input has "${chosen}" but Signature does not.`);

  if (!isInnerList(member)) return failure("signature_malformed", `Signature-Input "${chosen}" must be an inner list of components.`);
  if (member[0].length > MAX_COVERED_COMPONENTS) {
    return failure("signature_malformed", `A signature may cover at most ${MAX_COVERED_COMPONENTS} components.`);
  }
  const components: string[] = [];
  for (const [name] of member[0]) {
    if (typeof name !== "string") return failure("signature_malformed", "Covered components must be quoted strings.");
    components.push(name);
  }
  const params = readParams(member);
  if (!params.ok) return params;

  const bytes = isInnerList(sigMember) ? undefined : sigMember[0];
  if (!(bytes instanceof ArrayBuffer)) return failure("signature_malformed", `Signature "${chosen}" must be a byte sequence (:base64:).`);
  if (bytes.byteLength !== 64) return failure("signature_malformed", `Signature "${chosen}" must be 64 bytes (Ed25519).`);

  return { ok: true, parsed: { label: chosen, list: member, components, params: params.params, signature: new Uint8Array(bytes) } };
}
