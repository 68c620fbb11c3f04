/**
 * A query parameter a read cannot use (400 query_invalid): the one error of read-only
 * endpoints whose only way to fail on the caller's side is a bad query (audit search, the
 * overview). Domains with more codes keep their own table (DomainError, problem.ts).
 */
import { DomainError } from "./problem";

const TABLE = {
  query_invalid: { status: 400, title: "Invalid query parameter" },
} as const;

export class QueryError extends DomainError<keyof typeof TABLE> {
  override name = "QueryError";
  protected readonly problems = TABLE;

  constructor(message: string) {
    super("query_invalid", message);
  }
}
