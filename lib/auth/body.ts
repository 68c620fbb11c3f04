/**
 * Reading a request body with a hard size limit. A declared Content-Length above the limit
 * is refused before reading anything; a body without one (chunked) is read until it passes
 * the limit and then abandoned, so no request makes the server buffer more than the limit.
 */
export type BodyResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; code: "body_too_large" | "body_unreadable"; message: string };

const EMPTY = new Uint8Array(0);

function tooLarge(limit: number): BodyResult {
  return { ok: false, code: "body_too_large", message: `The request body is larger than ${limit} bytes.` };
}

/** True when Content-Length already says the body is too large (cheap, no reading). */
export function declaresTooLarge(headers: Headers, limit: number): boolean {
  const declared = headers.get("content-length")?.trim();
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit;
}

export async function readBoundedBody(request: Request, limit: number): Promise<BodyResult> {
  if (declaresTooLarge(request.headers, limit)) return tooLarge(limit);
  if (request.body === null) return { ok: true, body: EMPTY };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, code: "body_unreadable", message: "The request body could not be read completely." };
  }
  if (chunks.length === 1 && chunks[0]) return { ok: true, body: chunks[0] };
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}
