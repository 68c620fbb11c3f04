/**
 * PTERI machine SDK for Node: the portable API with the node:crypto Ed25519
 * back end as default (about 12x faster verification than pure JS), key
 * files, and reading a node:http request for verifyIncomingRequest.
 */
import { nodeEd25519 } from "../protocol/ed25519-node";
import type { ResolvedKey } from "../protocol";
import * as portable from "./index";

// The functions below shadow the portable ones of the same name: the same calls, with
// node:crypto signing and verification unless another back end is given.
export * from "./index";
export { nodeEd25519 };
export { readLocalFile, readPrivateKeyFile, readPublicKeyFile } from "./files";
export { readIncomingMessage } from "./node-request";
export { pteriVerifier, type PteriExecution, type PteriIncomingMessage, type PteriMiddleware, type PteriVerifierOptions } from "./middleware";

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

export const enrollMachine = (options: portable.EnrollOptions) => portable.enrollMachine({ backend: nodeEd25519, ...options });
export const rekeyMachine = (options: portable.RekeyOptions) => portable.rekeyMachine({ backend: nodeEd25519, ...options });
export const submitIntent = (options: portable.SubmitIntentOptions) => portable.submitIntent({ backend: nodeEd25519, ...options });
export const getIntent = (options: portable.GetIntentOptions) => portable.getIntent({ backend: nodeEd25519, ...options });
export const getReceipt = (options: portable.GetReceiptOptions) => portable.getReceipt({ backend: nodeEd25519, ...options });
export const waitForDecision = (options: portable.WaitForDecisionOptions) => portable.waitForDecision({ backend: nodeEd25519, ...options });
export const verifyExecution = (options: portable.VerifyExecutionOptions) => portable.verifyExecution({ backend: nodeEd25519, ...options });
export const verifyWebhook = (request: portable.IncomingRequestLike, options: portable.VerifyWebhookOptions) => portable.verifyWebhook(request, { backend: nodeEd25519, ...options });
