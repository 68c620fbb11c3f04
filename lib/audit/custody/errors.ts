/** The error codes of the audit entry detail (GET /api/audit/entries/{seq}). */
import { DomainError } from "../../http/problem";

const TABLE = {
  not_found: { status: 404, title: "Audit entry not found" },
} as const;

export type CustodyErrorCode = keyof typeof TABLE;

export class CustodyError extends DomainError<CustodyErrorCode> {
  override name = "CustodyError";
  protected readonly problems = TABLE;
}
