/**
 * RFC 9421 signing with Ed25519. Adds one member to Signature-Input and
 * Signature, keeping any signatures the request already carries: the caller
 * replaces both headers with the returned values. Throws SigningError on the
 * signer's own mistakes (bad options, a covered header that is absent).
 */
import { serializeDictionary, type Dictionary } from "structured-headers";
import type { Ed25519Backend } from "../ed25519";
import { base64UrlEncode, utf8Encode } from "../encoding";
import { parseDictionaryStrict } from "../sf";
import { signatureBaseFromList, signatureParamsList, type SignatureParams } from "./base";
import { SigningError } from "./errors";
import { headerValue, requestContext, type SignableRequest } from "./message";

export type SignOptions = {
  /** 32-byte Ed25519 private seed. */
  key: Uint8Array;
  keyId: string;
  backend: Ed25519Backend;
  components: readonly string[];
  /** Seconds; default now. */
  created?: number;
  /** Seconds; default created + 300; null leaves it out. */
  expires?: number | null;
  /** Default: 128 random bits, base64url; null leaves it out. */
  nonce?: string | null;
  /** Default "sig1". */
  label?: string;
  tag?: string;
  /** Include alg="ed25519" (default true). */
  includeAlg?: boolean;
  /** Clock in seconds; default Date.now()/1000. */
  now?: () => number;
};

export type SignResult = {
  /** Merged header values, ready to set on the request. */
  headers: { "Signature-Input": string; Signature: string };
  label: string;
  params: SignatureParams;
  signatureBase: string;
  signature: Uint8Array;
};

export const DEFAULT_SIGNATURE_LIFETIME_SECONDS = 300;

/** A fresh nonce: 16 random bytes (128 bits) as 22 base64url characters. */
export function randomNonce(): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)));
}

/** The components PTERI requires: method, full target, and for a body its digest and type. */
export function defaultComponents(hasBody: boolean): string[] {
  return ["@method", "@target-uri", ...(hasBody ? ["content-digest", "content-type"] : [])];
}

function existing(ctxHeaders: ReadonlyMap<string, readonly string[]>, name: string): Dictionary {
  const value = headerValue(ctxHeaders, name);
  if (value === undefined) return new Map();
  const parsed = parseDictionaryStrict(value);
  if (!parsed.ok) throw new SigningError("signature_malformed", `The request's existing ${name} header is ${parsed.reason}.`);
  return parsed.dict;
}

export async function signRequest(request: SignableRequest, options: SignOptions): Promise<SignResult> {
  const label = options.label ?? "sig1";
  if (!/^[a-z*][a-z0-9_\-.*]{0,63}$/.test(label)) throw new SigningError("invalid_argument", "label must be a structured-field key");
  if (typeof options.keyId !== "string" || options.keyId === "") throw new SigningError("invalid_argument", "keyId is required");
  const created = options.created ?? Math.floor((options.now ?? (() => Date.now() / 1000))());
  const expires = options.expires === undefined ? created + DEFAULT_SIGNATURE_LIFETIME_SECONDS : options.expires ?? undefined;
  const nonce = options.nonce === undefined ? randomNonce() : options.nonce ?? undefined;
  for (const [name, t] of [["created", created], ["expires", expires]] as const) {
    if (t !== undefined && (!Number.isSafeInteger(t) || t < 0)) {
      throw new SigningError("invalid_argument", `${name} must be whole seconds since the epoch`);
    }
  }
  if (!Array.isArray(options.components)) throw new SigningError("invalid_argument", "components must be a list of component names");
  const params: SignatureParams = { created, keyid: options.keyId };
  if (expires !== undefined) params.expires = expires;
  if (nonce !== undefined) params.nonce = nonce;
  if (options.includeAlg !== false) params.alg = "ed25519";
  if (options.tag !== undefined) params.tag = options.tag;

  const ctx = requestContext(request);
  if (!ctx.ok) throw new SigningError(ctx.code, ctx.message);
  const list = signatureParamsList(options.components, params);
  const base = signatureBaseFromList(ctx.ctx, list);
  if (!base.ok) throw new SigningError(base.code, base.message);

  const inputs = existing(ctx.ctx.headers, "signature-input");
  const sigs = existing(ctx.ctx.headers, "signature");
  if (inputs.has(label) || sigs.has(label)) throw new SigningError("invalid_argument", `the request already has a signature labelled "${label}"`);

  const signature = await options.backend.sign(options.key, utf8Encode(base.base));
  inputs.set(label, list);
  sigs.set(label, [new Uint8Array(signature), new Map()]);
  return {
    headers: { "Signature-Input": serializeDictionary(inputs), Signature: serializeDictionary(sigs) },
    label,
    params,
    signatureBase: base.base,
    signature,
  };
}
