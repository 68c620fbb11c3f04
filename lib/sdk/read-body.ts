/**
 * Reads a Fetch API Request body with a size bound, from a clone so the
 * caller can still read the original (e.g. `await req.json()` after
 * verification). Over the bound it throws: that is an answer for the service
 * to give (413), not a verdict about the signature.
 */
import { concatBytes } from "../protocol";
import { PteriSdkError } from "./errors";

export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (req.body === null) return new Uint8Array();
  const tooLarge = () => new PteriSdkError("body_too_large", `The request body is larger than ${maxBytes} bytes.`);
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const reader = req.clone().body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      // Not awaited: cancelling one branch of a tee'd stream settles only
      // when the other branch (the caller's original) is cancelled too.
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}
