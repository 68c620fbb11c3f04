/**
 * Verifying a PTERI-signed request in a resource service. Wraps lib/protocol's
 * verifyRequest with PTERI_SIGNATURE_RULES and adds what a service needs
 * around it: the target URI rebuilt from the service's public URL (so it works
 * behind a reverse proxy), the body read once, the Content-Digest check, and
 * single use of the nonce, in the brief's order: signature, digest, nonce.
 */
import {
  checkSignedContentDigest,
  nobleEd25519,
  PTERI_SIGNATURE_RULES,
  utf8Encode,
  verifyRequest,
  type DigestAlgorithm,
  type DigestFailureCode,
  type Ed25519Backend,
  type HeaderInput,
  type KeyResolver,
  type ResolvedKey,
  type VerifyFailure,
  type VerifyPolicy,
  type VerifySuccess,
} from "../protocol";
import { PteriSdkError } from "./errors";
import { createMemoryNonceStore, type NonceStore } from "./nonce-store";
import { readBodyLimited } from "./read-body";

/** A Fetch API Request, or the parts of one (e.g. from node:http, body already read). */
export type IncomingRequestLike = Request | { method: string; url: string; headers: HeaderInput; body?: Uint8Array | string | null };

export type VerifyIncomingOptions<K extends ResolvedKey = ResolvedKey> = {
  /** The URL clients use to reach this service, e.g. https://api.example.com (an origin, no path). */
  publicUrl: string | URL;
  resolveKey: KeyResolver<K>;
  /** Default: one in-memory store shared by every call in this process. */
  nonceStore?: NonceStore;
  /** Clock in seconds since the epoch. */
  now?: () => number;
  /** Default 300 (PTERI_SIGNATURE_RULES.maxAgeSeconds). */
  maxAgeSeconds?: number;
  backend?: Ed25519Backend;
  /** Largest body read from a Request; default 1 MiB. */
  maxBodyBytes?: number;
};

export type IncomingVerifySuccess<K extends ResolvedKey = ResolvedKey> = VerifySuccess<K> & {
  targetUri: string;
  /** The body as received (read once; for a Request, from a clone, so the original stays readable). */
  body: Uint8Array;
  digestAlgorithm: DigestAlgorithm | null;
};
export type IncomingVerifyFailure = Omit<VerifyFailure, "code"> & { code: VerifyFailure["code"] | DigestFailureCode };
export type IncomingVerifyResult<K extends ResolvedKey = ResolvedKey> = IncomingVerifySuccess<K> | IncomingVerifyFailure;

let sharedStore: NonceStore | undefined;

export function checkedOrigin(publicUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new PteriSdkError("invalid_argument", "publicUrl must be an absolute URL such as https://api.example.com.");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.pathname !== "/" || url.search || url.hash) {
    // A path prefix would be ambiguous (does the proxy strip it or not?): refuse rather than guess.
    throw new PteriSdkError("invalid_argument", "publicUrl must be an http(s) origin without a path, query or fragment.");
  }
  return url.origin;
}

/** Scheme and authority from the configured public URL; path and query exactly as received. */
export function rebuildTarget(origin: string, requestUrl: string): string | null {
  if (requestUrl.startsWith("/")) return origin + requestUrl; // origin-form, e.g. node:http's req.url
  try {
    const url = new URL(requestUrl); // absolute form, e.g. a Fetch API Request
    return origin + url.pathname + url.search;
  } catch {
    return null;
  }
}

export async function verifyIncomingRequest<K extends ResolvedKey = ResolvedKey>(
  req: IncomingRequestLike,
  options: VerifyIncomingOptions<K>,
): Promise<IncomingVerifyResult<K>> {
  const origin = checkedOrigin(options.publicUrl);
  const targetUri = rebuildTarget(origin, req.url);
  if (targetUri === null) return { ok: false, code: "signature_malformed", message: "The request target is neither a path nor an absolute URI." };
  const raw = req instanceof Request ? await readBodyLimited(req, options.maxBodyBytes ?? 1 << 20) : (req.body ?? null);
  const body = typeof raw === "string" ? utf8Encode(raw) : (raw ?? new Uint8Array());
  const request = { method: req.method, targetUri, headers: req.headers, body };

  // verifyRequest consumes the nonce right after the signature; PTERI checks
  // the digest first, so the pair is only noted here and consumed below.
  let pending: [string, string, number] | undefined;
  const policy: VerifyPolicy = {
    ...PTERI_SIGNATURE_RULES,
    maxAgeSeconds: options.maxAgeSeconds ?? PTERI_SIGNATURE_RULES.maxAgeSeconds,
    now: options.now ?? (() => Date.now() / 1000),
    checkNonce: (keyId, nonce, expiresAt) => {
      pending = [keyId, nonce, expiresAt];
      return true;
    },
  };
  const result = await verifyRequest(request, { policy, resolveKey: options.resolveKey, backend: options.backend ?? nobleEd25519 });
  if (!result.ok) return result;
  const { label, signatureBase } = result;

  const digest = checkSignedContentDigest(request, body, result.components);
  if (!digest.ok) return { ok: false, code: digest.code, message: digest.message, label, signatureBase };

  if (pending) {
    const store = options.nonceStore ?? (sharedStore ??= createMemoryNonceStore());
    if ((await store.checkNonce(...pending)) !== true) {
      return { ok: false, code: "replayed", message: "This signed request was already received; sign each request with a new nonce.", label, signatureBase };
    }
  }
  return { ...result, targetUri, body, digestAlgorithm: digest.alg };
}
