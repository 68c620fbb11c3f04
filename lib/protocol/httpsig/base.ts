/**
 * RFC 9421 section 2.5: the signature base. One line per covered component,
 * `"<name>": <value>`, then `"@signature-params": <inner list>`, joined by LF
 * with no trailing LF. The inner list is serialized by structured-headers so
 * that it is byte-identical to what appears in Signature-Input.
 */
import { serializeInnerList, serializeItem, type InnerList, type Item, type Parameters } from "structured-headers";
import { componentValue } from "./components";
import { failure, type Failure } from "./errors";
import { requestContext, type RequestContext, type SignableRequest } from "./message";

/** Signature parameters PTERI understands (RFC 9421 section 2.3). */
export type SignatureParams = {
  created?: number;
  expires?: number;
  nonce?: string;
  keyid?: string;
  alg?: string;
  tag?: string;
};

// Fixed order for what we sign; verification keeps the order it received.
const PARAM_ORDER = ["created", "expires", "nonce", "keyid", "alg", "tag"] as const;

export type SignatureBaseResult = { ok: true; base: string; signatureParams: string } | Failure;

/** The Signature-Input inner list for these components and parameters. */
export function signatureParamsList(components: readonly string[], params: SignatureParams): InnerList {
  const items: Item[] = components.map((name) => [name, new Map()]);
  const map: Parameters = new Map();
  for (const key of PARAM_ORDER) {
    const value = params[key];
    if (value !== undefined) map.set(key, value);
  }
  return [items, map];
}

/** Builds the base from a (parsed or constructed) inner list. Never throws. */
export function signatureBaseFromList(ctx: RequestContext, list: InnerList): SignatureBaseResult {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const item of list[0]) {
    const [name, itemParams] = item;
    if (typeof name !== "string") return failure("signature_malformed", "A covered component identifier is not a string.");
    if (itemParams.size > 0) {
      const param = [...itemParams.keys()][0] ?? "";
      return failure("component_unsupported", `Component parameter ";${param.slice(0, 32)}" is not supported (on ${JSON.stringify(name.slice(0, 64))}).`);
    }
    if (seen.has(name)) return failure("signature_malformed", `Component ${JSON.stringify(name.slice(0, 64))} is covered twice.`);
    seen.add(name);
    const value = componentValue(ctx, name);
    if (!value.ok) return value;
    lines.push(`${serializeItem(item)}: ${value.value}`);
  }
  let signatureParams: string;
  try {
    signatureParams = serializeInnerList(list);
  } catch {
    return failure("signature_malformed", "The signature parameters cannot be serialized as a structured field.");
  }
  lines.push(`"@signature-params": ${signatureParams}`);
  return { ok: true, base: lines.join("\n"), signatureParams };
}

/**
 * The exact RFC 9421 signature base for a request, covered components and
 * parameters, e.g. for a signer, a test, or the CLI's signature debugger.
 */
export function buildSignatureBase(
  request: SignableRequest,
  components: readonly string[],
  params: SignatureParams,
): SignatureBaseResult {
  const ctx = requestContext(request);
  if (!ctx.ok) return ctx;
  if (!Array.isArray(components) || !components.every((c) => typeof c === "string")) {
    return failure("signature_malformed", "Covered components must be a list of strings.");
  }
  return signatureBaseFromList(ctx.ctx, signatureParamsList(components, params));
}
