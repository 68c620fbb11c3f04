/**
 * getReceipt: GET /api/v1/intents/{id}/receipt, signed: the intent's audit entries with
 * inclusion proofs into one signed checkpoint (lib/audit/receipt.ts). The answer is only
 * shape-checked here; verifyReceipt (or `pteri audit verify-receipt`) with the log key pinned
 * independently is what proves anything. Portable, like the rest of the SDK.
 */
import { RECEIPT_FORMAT, type AuditReceipt } from "../audit/receipt";
import { INTENTS_PATH } from "../intents/wire";
import { nobleEd25519, type Ed25519Backend } from "../protocol";
import { PteriServerError, serverBaseUrl } from "./enroll";
import { PteriSdkError } from "./errors";
import type { PrivateKeyInput } from "./keys";
import { createSignedFetch } from "./signed-fetch";

export type GetReceiptOptions = {
  /** The Console's URL (PTERI_PUBLIC_URL). */
  server: string | URL;
  /** The key of the machine that submitted the intent (another machine gets intent not found). */
  key: PrivateKeyInput;
  id: string;
  fetch?: typeof fetch;
  /** Ed25519 back end; default @noble/ed25519 (Node callers pass nodeEd25519). */
  backend?: Ed25519Backend;
  signal?: AbortSignal;
};

export async function getReceipt(options: GetReceiptOptions): Promise<AuditReceipt> {
  const base = serverBaseUrl(options.server);
  if (typeof options.id !== "string" || !options.id) throw new PteriSdkError("invalid_argument", "The intent id is empty.");
  const signedFetch = createSignedFetch({ key: options.key, backend: options.backend ?? nobleEd25519, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const response = await signedFetch(`${base}${INTENTS_PATH}/${encodeURIComponent(options.id)}/receipt`, { redirect: "manual", signal: options.signal });
  if (response.status !== 200) throw await PteriServerError.fromResponse(response);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new PteriServerError(response.status, "response_invalid", "The server's receipt is not JSON.");
  }
  const receipt = body as Partial<AuditReceipt> | null;
  if (!receipt || receipt.format !== RECEIPT_FORMAT || receipt.intentId !== options.id || !Array.isArray(receipt.entries)) {
    throw new PteriServerError(response.status, "response_invalid", `The server's answer is not a receipt for intent ${JSON.stringify(options.id.slice(0, 80))}.`);
  }
  return receipt as AuditReceipt;
}
