/**
 * The one error class of the machines domain. Callers (route handlers, host commands) branch
 * on `code`, a closed set, and show `message`, a sentence that says what to fix. The HTTP
 * status of each code lives in one table here, next to the codes (DomainError, lib/http/problem.ts).
 */
import { DomainError } from "../http/problem";

const TABLE = {
  public_key_invalid: { status: 400, title: "Public key not usable" },
  key_already_enrolled: { status: 409, title: "Key already enrolled" },
  name_invalid: { status: 400, title: "Invalid machine name" },
  tags_invalid: { status: 400, title: "Invalid tags" },
  field_invalid: { status: 400, title: "Invalid field" },
  permission_invalid: { status: 400, title: "Unknown machine permission" },
  not_found: { status: 404, title: "Machine not found" },
  ticket_not_found: { status: 404, title: "Enrollment ticket not found" },
  machine_state: { status: 409, title: "Not possible in the machine's current state" },
  ticket_invalid: { status: 400, title: "Enrollment ticket not usable" },
  body_invalid: { status: 400, title: "Request body malformed" },
  proof_invalid: { status: 400, title: "Key-change proof invalid" },
} as const;

export type MachineErrorCode = keyof typeof TABLE;
export const MACHINE_ERROR_CODES = Object.keys(TABLE) as MachineErrorCode[];

export class MachineError extends DomainError<MachineErrorCode> {
  override name = "MachineError";
  protected readonly problems = TABLE;
}

export function isMachineError(error: unknown): error is MachineError {
  return error instanceof MachineError;
}
