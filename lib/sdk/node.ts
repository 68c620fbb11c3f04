/**
 * PTERI machine SDK for Node: the portable API with the node:crypto Ed25519
 * back end as default (about 12x faster verification than pure JS), key
 * files, and reading a node:http request for verifyIncomingRequest.
 */
import type { IncomingMessage } from "node:http";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { concatBytes, type ResolvedKey } from "../protocol";
import { PteriSdkError } from "./errors";
import * as portable from "./index";

// The functions below shadow the portable ones of the same name: the same calls, with
// node:crypto signing and verification unless another back end is given.
export * from "./index";
export { nodeEd25519 };
export { readLocalFile, readPrivateKeyFile, readPublicKeyFile } from "./files";

/** createSignedFetch with the node:crypto back end unless another is given. */
export function createSignedFetch(options: portable.SignedFetchOptions): portable.SignedFetch {
  return portable.createSignedFetch({ backend: nodeEd25519, ...options });
}

/** verifyIncomingRequest with the node:crypto back end unless another is given. */
export function verifyIncomingRequest<K extends ResolvedKey = ResolvedKey>(
  req: portable.IncomingRequestLike,
  options: portable.VerifyIncomingOptions<K>,
): Promise<portable.IncomingVerifyResult<K>> {
  return portable.verifyIncomingRequest(req, { backend: nodeEd25519, ...options });
}

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

export const enrollMachine = (options: portable.EnrollOptions) => portable.enrollMachine({ backend: nodeEd25519, ...options });
export const rekeyMachine = (options: portable.RekeyOptions) => portable.rekeyMachine({ backend: nodeEd25519, ...options });
export const submitIntent = (options: portable.SubmitIntentOptions) => portable.submitIntent({ backend: nodeEd25519, ...options });
export const getIntent = (options: portable.GetIntentOptions) => portable.getIntent({ backend: nodeEd25519, ...options });
export const waitForDecision = (options: portable.WaitForDecisionOptions) => portable.waitForDecision({ backend: nodeEd25519, ...options });
