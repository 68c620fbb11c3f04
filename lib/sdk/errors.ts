/**
 * Errors the SDK throws for the caller's own mistakes or environment (a bad
 * key, an unsupported body, an unreadable file). Verdicts about a *received*
 * request are never thrown: verifyIncomingRequest returns a typed result.
 * `code` is stable; `message` is one sentence that says what to fix.
 */
export type SdkErrorCode =
  | "key_malformed"
  | "body_unsupported"
  | "body_too_large"
  | "file_unreadable"
  | "nonce_store_full"
  | "invalid_argument";

export class PteriSdkError extends Error {
  readonly code: SdkErrorCode;
  constructor(code: SdkErrorCode, message: string) {
    super(message);
    this.name = "PteriSdkError";
    this.code = code;
  }
}
