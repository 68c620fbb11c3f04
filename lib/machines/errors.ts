/**
 * The one error class of the machines domain. Callers (route handlers, host commands) branch
 * on `code`, a closed set, and show `message`, a sentence that says what to fix.
 */
export const MACHINE_ERROR_CODES = ["public_key_invalid", "key_already_enrolled", "name_invalid", "tags_invalid"] as const;

export type MachineErrorCode = (typeof MACHINE_ERROR_CODES)[number];

export class MachineError extends Error {
  override name = "MachineError";
  readonly code: MachineErrorCode;

  constructor(code: MachineErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
