/**
 * Request bodies for signed fetch. The whole body must be hashed into
 * Content-Digest before the first byte is sent, so only bodies that are
 * already in memory are accepted; streams (and FormData, whose multipart
 * boundary fetch invents after we would have signed) are refused with a
 * message that says what to pass instead.
 */
import { utf8Encode } from "../protocol";
import { PteriSdkError } from "./errors";

/** Bytes to send (null: no body) and the content type fetch would have implied. */
export type PreparedBody = { bytes: Uint8Array<ArrayBuffer> | null; impliedType: string | null };

const SUPPORTED = "pass a string, Uint8Array, ArrayBuffer, URLSearchParams or Blob (or use jsonBody(value))";

function unsupported(what: string): PteriSdkError {
  return new PteriSdkError(
    "body_unsupported",
    `Signed fetch cannot send a ${what} body: the body is hashed into Content-Digest before sending, so ${SUPPORTED}.`,
  );
}

function describe(body: object): string {
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) return "ReadableStream";
  if (typeof FormData !== "undefined" && body instanceof FormData) return "FormData";
  if (Symbol.asyncIterator in body) return "stream (async iterable)";
  return body.constructor?.name ?? "object";
}

export async function prepareBody(body: unknown): Promise<PreparedBody> {
  if (body === null || body === undefined) return { bytes: null, impliedType: null };
  // Empty bodies are sent as no body: there is nothing to digest, and PTERI's
  // rules only require content-digest when the request has a body. The copy
  // means later changes to the caller's buffer cannot alter the signed bytes.
  const done = (bytes: Uint8Array, impliedType: string | null): PreparedBody =>
    bytes.length === 0 ? { bytes: null, impliedType: null } : { bytes: new Uint8Array(bytes), impliedType };
  if (typeof body === "string") return done(utf8Encode(body), "text/plain;charset=UTF-8");
  if (body instanceof ArrayBuffer) return done(new Uint8Array(body), null);
  if (ArrayBuffer.isView(body)) return done(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), null);
  if (body instanceof URLSearchParams) return done(utf8Encode(body.toString()), "application/x-www-form-urlencoded;charset=UTF-8");
  if (typeof Blob !== "undefined" && body instanceof Blob) return done(new Uint8Array(await body.arrayBuffer()), body.type || null);
  throw unsupported(typeof body === "object" ? describe(body) : typeof body);
}

/**
 * RequestInit for a JSON body: serialized once, sent byte for byte as signed,
 * with content-type application/json unless `init` already sets one.
 */
export function jsonBody(value: unknown, init: RequestInit = {}): RequestInit {
  const text = JSON.stringify(value);
  if (text === undefined) throw new PteriSdkError("invalid_argument", "jsonBody: the value has no JSON representation.");
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return { ...init, headers, body: text };
}
