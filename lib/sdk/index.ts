/**
 * PTERI machine SDK, portable entry (browser and Node; no node: imports).
 * On Node, import "lib/sdk/node" instead: same API, node:crypto back end by
 * default, plus key files and node:http helpers.
 */
export { PteriSdkError, type SdkErrorCode } from "./errors";
export { toPrivateKey, toPublicKey, staticKeyResolver, type PrivateKeyInput } from "./keys";
export { jsonBody } from "./body";
export {
  createSignedFetch,
  type ComponentsOption,
  type RequestToSign,
  type SignedFetch,
  type SignedFetchOptions,
  type SignedRequestInfo,
} from "./signed-fetch";
export {
  verifyIncomingRequest,
  type IncomingRequestLike,
  type IncomingVerifyFailure,
  type IncomingVerifyResult,
  type IncomingVerifySuccess,
  type VerifyIncomingOptions,
} from "./verify-incoming";
export { createMemoryNonceStore, type MemoryNonceStore, type MemoryNonceStoreOptions, type NonceStore } from "./nonce-store";
export {
  enrollMachine,
  rekeyMachine,
  serverBaseUrl,
  PteriServerError,
  type EnrollOptions,
  type EnrollResult,
  type MachineSummary,
  type RekeyOptions,
  type RekeyResult,
} from "./enroll";
export {
  buildIntent,
  checkIntent,
  getIntent,
  isTransient,
  MAX_INTENT_WAIT_SECONDS,
  submitIntent,
  waitForDecision,
  type BuildIntentInput,
  type GetIntentOptions,
  type SubmitIntentOptions,
  type SubmitIntentResult,
  type WaitForDecisionOptions,
  type WaitRetryInfo,
} from "./intents";
export { getReceipt, type GetReceiptOptions } from "./receipts";
export { forwardedHeaders, verifyBodyFor, verifyExecution, type VerifyExecutionOptions } from "./verify-execution";
export {
  REQUEST_MISMATCHES,
  VERIFY_PATH,
  VERIFY_REASONS,
  type RequestMismatch,
  type VerifiedIntent,
  type VerifyAnswer,
  type VerifyBody,
  type VerifyReason,
} from "../intents/verify-wire";
export { INTENT_HEADER, INTENTS_PATH, intentHash, type IntentAnswer, type IntentDocument, type IntentStatus } from "../intents/wire";
export { verifyWebhook, type VerifyWebhookOptions, type WebhookVerifyFailure, type WebhookVerifyResult, type WebhookEvent, type IntentWebhookEvent, type TestWebhookEvent, type WebhookKeyDocument } from "./webhooks";
