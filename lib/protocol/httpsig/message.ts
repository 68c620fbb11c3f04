/**
 * A framework-neutral view of an HTTP request: what RFC 9421 needs and
 * nothing else. Server code builds `targetUri` from its configured public URL
 * (not from Host / X-Forwarded-* headers), so verification works behind a
 * reverse proxy.
 */
import { failure, type Failure } from "./errors";

export type HeaderInput =
  | Headers
  | Record<string, string | readonly string[] | undefined>
  | ReadonlyArray<readonly [string, string]>;

export type SignableRequest = {
  method: string;
  /** Absolute http(s) URI of the request as the client addressed it. */
  targetUri: string;
  headers: HeaderInput;
  /** Optional; when given, decides whether the request "has a body" (length > 0). */
  body?: Uint8Array | string | null;
};

/** Lowercased field name -> field line values in arrival order. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>;

/** Validated request, ready for component extraction. */
export type RequestContext = { method: string; url: URL; headers: HeaderMap; hasBody: boolean };

function add(map: Map<string, string[]>, name: unknown, value: unknown): void {
  if (typeof name !== "string") return;
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v !== "string") continue; // wrong types are ignored, never coerced
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  }
}

/** Normalizes any supported header shape; header names are case-insensitive. */
export function normalizeHeaders(input: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (typeof input !== "object" || input === null) return map;
  if (typeof Headers !== "undefined" && input instanceof Headers) {
    input.forEach((value, name) => add(map, name, value));
  } else if (Array.isArray(input)) {
    for (const entry of input) if (Array.isArray(entry)) add(map, entry[0], entry[1]);
  } else {
    for (const [name, value] of Object.entries(input)) add(map, name, value);
  }
  return map;
}

/** RFC 9110 section 5.3: several field lines combine into one value joined with ", ". */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const values = headers.get(name);
  return values === undefined ? undefined : values.join(", ");
}

function inferHasBody(body: SignableRequest["body"], headers: HeaderMap): boolean {
  if (typeof body === "string" || body instanceof Uint8Array) return body.length > 0;
  const length = headerValue(headers, "content-length");
  if (length !== undefined && length.trim() !== "0") return true;
  return headers.has("transfer-encoding");
}

const METHOD_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

/** Validates the request shape; never throws. */
export function requestContext(request: unknown): { ok: true; ctx: RequestContext } | Failure {
  if (typeof request !== "object" || request === null) {
    return failure("signature_malformed", "The request to verify is not an object.");
  }
  const { method, targetUri, headers, body } = request as Partial<SignableRequest>;
  if (typeof method !== "string" || !METHOD_RE.test(method)) {
    return failure("signature_malformed", "The request method is not an HTTP token.");
  }
  if (typeof targetUri !== "string" || targetUri.length > 8192) {
    return failure("signature_malformed", "The request target URI is missing or too long.");
  }
  let url: URL;
  try {
    url = new URL(targetUri);
  } catch {
    return failure("signature_malformed", "The request target is not an absolute URI.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return failure("signature_malformed", "The request target must be an http or https URI.");
  }
  if (url.username !== "" || url.password !== "") {
    return failure("signature_malformed", "The request target must not contain user information (RFC 9110 section 4.2.4).");
  }
  const map = normalizeHeaders(headers);
  return { ok: true, ctx: { method, url, headers: map, hasBody: inferHasBody(body, map) } };
}
