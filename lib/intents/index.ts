/**
 * Intents: what machines ask to do, the policy's decision, and its state (docs/intents.md).
 * wire.ts is the portable part (the document, its hash, paths), shared with the SDK and CLI;
 * the rest is the server side.
 */
export * from "./wire";
export { IntentError, INTENT_ERROR_CODES, type IntentErrorCode } from "./errors";
export { INTENT_EVENTS } from "./events";
export { DEFAULT_EXECUTION_VALIDITY_SECONDS, intentAnswer, intentFromRow, type IntentRecord, type StoredDecision, type StoredRule } from "./model";
export { parseIntentBody, MAX_INTENT_BODY_BYTES, type ParsedIntent } from "./parse";
export { submitIntent, DEFAULT_INTENT_SETTINGS, type IntentSettings, type SubmitIntentInput, type SubmitResult } from "./submit";
export { readIntent, waitForIntent, parseWait, MAX_WAIT_SECONDS, POLL_MS } from "./read";
export { expireIntents, EXPIRE_BATCH } from "./expiry";
export { recordedIntentsSince, intentSuggestions, type IntentSuggestions } from "./recorded";
export { policiesInForce, clearPolicyCache } from "./policy-set";
