/** The Overview domain's errors: only a malformed query can go wrong on the caller's side. */
import { DomainError } from "../http/problem";

const TABLE = {
  query_invalid: { status: 400, title: "Invalid query parameter" },
} as const;

export type OverviewErrorCode = keyof typeof TABLE;

export class OverviewError extends DomainError<OverviewErrorCode> {
  override name = "OverviewError";
  protected readonly problems = TABLE;
}
