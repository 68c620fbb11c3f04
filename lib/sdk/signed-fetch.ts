/**
 * A fetch-compatible function that signs every request per PTERI's rules
 * (RFC 9421, lib/protocol's signRequest): @method and @target-uri always, and
 * for a body content-digest (sha-256, computed here) and content-type;
 * created, expires, a fresh 128-bit nonce, keyid and alg="ed25519".
 *
 * Portable: no node: imports. The default back end is @noble/ed25519; on
 * Node, lib/sdk/node.ts wires the faster node:crypto back end instead.
 */
import {
  createContentDigest,
  DEFAULT_SIGNATURE_LIFETIME_SECONDS,
  defaultComponents,
  nobleEd25519,
  signRequest,
  type Ed25519Backend,
  type SignatureParams,
} from "../protocol";
import { prepareBody } from "./body";
import { PteriSdkError } from "./errors";
import { toPrivateKey, type PrivateKeyInput } from "./keys";

/** What a components callback sees: the request as it will be signed. */
export type RequestToSign = { method: string; url: string; headers: Headers; hasBody: boolean };

/** Covered components: a fixed list, or computed per request. */
export type ComponentsOption = readonly string[] | ((request: RequestToSign) => readonly string[]);

/** Reported after signing, before sending (e.g. for a CLI's --verbose). */
export type SignedRequestInfo = RequestToSign & {
  body: Uint8Array | null;
  keyId: string;
  label: string;
  params: SignatureParams;
  signatureBase: string;
};

export type SignedFetchOptions = {
  key: PrivateKeyInput;
  /** Default: the key's PTERI key id (RFC 7638 thumbprint). */
  keyId?: string;
  backend?: Ed25519Backend;
  fetch?: typeof fetch;
  /** Default: defaultComponents(hasBody) from lib/protocol. */
  components?: ComponentsOption;
  /** Clock in seconds since the epoch; default Date.now() / 1000. */
  now?: () => number;
  /** Signature lifetime, 1..300 seconds (PTERI's server accepts at most 300); default 300. */
  expiresInSeconds?: number;
  /** Signature label; default "sig1". */
  label?: string;
  onSigned?: (info: SignedRequestInfo) => void;
};

export type SignedFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

function lifetime(seconds: number | undefined): number {
  const value = seconds ?? DEFAULT_SIGNATURE_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(value) || value < 1 || value > DEFAULT_SIGNATURE_LIFETIME_SECONDS) {
    throw new PteriSdkError("invalid_argument", `expiresInSeconds must be a whole number from 1 to ${DEFAULT_SIGNATURE_LIFETIME_SECONDS}.`);
  }
  return value;
}

/** Absolute URL; relative URLs resolve against the page in a browser. */
function absoluteUrl(input: RequestInfo | URL): string {
  const raw = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const base = typeof location !== "undefined" ? location.href : undefined;
  try {
    return new URL(raw, base).href;
  } catch {
    throw new PteriSdkError("invalid_argument", `Signed fetch needs an absolute http(s) URL, not ${JSON.stringify(raw.slice(0, 200))}.`);
  }
}

export function createSignedFetch(options: SignedFetchOptions): SignedFetch {
  const key = toPrivateKey(options.key); // fail at construction, not on the first request
  const keyId = options.keyId ?? key.publicKey.keyId;
  const backend = options.backend ?? nobleEd25519;
  const expiresIn = lifetime(options.expiresInSeconds);
  const now = options.now ?? (() => Date.now() / 1000);
  const label = options.label ?? "sig1";
  const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));

  return async (input, init = {}) => {
    const isRequest = typeof Request !== "undefined" && input instanceof Request;
    const url = absoluteUrl(input);
    const method = (init.method ?? (isRequest ? input.method : "GET")).toUpperCase();
    const headers = new Headers(init.headers ?? (isRequest ? input.headers : undefined));
    const rawBody = init.body !== undefined ? init.body : isRequest && input.body ? await input.clone().arrayBuffer() : null;
    const { bytes, impliedType } = await prepareBody(rawBody);
    if (bytes) {
      // content-type is covered, so it must be present: keep the caller's,
      // else what fetch would have sent, else the generic binary type.
      if (!headers.has("content-type")) headers.set("content-type", impliedType ?? "application/octet-stream");
      headers.set("content-digest", createContentDigest(bytes, "sha-256"));
    }
    const toSign: RequestToSign = { method, url, headers, hasBody: bytes !== null };
    const components = typeof options.components === "function" ? options.components(toSign) : (options.components ?? defaultComponents(toSign.hasBody));
    const created = Math.floor(now());
    const signed = await signRequest(
      { method, targetUri: url, headers, body: bytes },
      { key: key.seed, keyId, backend, components, created, expires: created + expiresIn, label },
    );
    headers.set("signature-input", signed.headers["Signature-Input"]);
    headers.set("signature", signed.headers.Signature);
    options.onSigned?.({ ...toSign, body: bytes, keyId, label, params: signed.params, signatureBase: signed.signatureBase });
    // The exact bytes that were digested are the bytes sent.
    const request = new Request(isRequest ? input : url, { ...init, method, headers, body: bytes });
    return send(request);
  };
}
