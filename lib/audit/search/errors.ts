/** Errors of audit search: a query parameter the search cannot use (DomainError, lib/http/problem.ts). */
import { DomainError } from "../../http/problem";

const TABLE = {
  query_invalid: { status: 400, title: "Invalid search parameter" },
} as const;

export type AuditSearchErrorCode = keyof typeof TABLE;

export class AuditSearchError extends DomainError<AuditSearchErrorCode> {
  override name = "AuditSearchError";
  protected readonly problems = TABLE;
}
