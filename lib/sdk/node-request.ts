/** Reading a node:http request whole, with a size bound (node entry only). */
import type { IncomingMessage } from "node:http";
import { concatBytes } from "../protocol";
import { PteriSdkError } from "./errors";

/**
 * Reads a node:http request (method, origin-form url, headers, whole body up
 * to `maxBodyBytes`, default 1 MiB) into the shape verifyIncomingRequest takes.
 */
export async function readIncomingMessage(
  req: IncomingMessage,
  maxBodyBytes = 1 << 20,
): Promise<{ method: string; url: string; headers: IncomingMessage["headers"]; body: Uint8Array }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBodyBytes) {
      req.resume(); // drain the rest so the connection can answer 413
      throw new PteriSdkError("body_too_large", `The request body is larger than ${maxBodyBytes} bytes.`);
    }
    chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
  }
  return { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: concatBytes(...chunks) };
}
