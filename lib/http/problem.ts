/**
 * RFC 9457 problem details. Every error PTERI answers over HTTP goes through here, so
 * every failure has a stable machine-readable `type` and a sentence that says what to fix,
 * and never a stack trace.
 */
export const PROBLEM_TYPE_BASE = "https://pteri.dev/problems/";

export interface Problem {
  /** Stable short code, e.g. `signature_invalid`; also the last segment of the type URI. */
  code: string;
  status: number;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
}

export function problemResponse(problem: Problem, headers?: HeadersInit): Response {
  const body = {
    type: `${PROBLEM_TYPE_BASE}${problem.code}`,
    code: problem.code,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...problem.extensions,
  };
  const h = new Headers(headers);
  h.set("content-type", "application/problem+json");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status: problem.status, headers: h });
}

/** Each code of a domain's closed set, with its HTTP status and title. */
export type ProblemTable<C extends string> = Readonly<Record<C, { status: number; title: string }>>;

/**
 * The base of every domain's one error class (machines, policies, intents): a code from the
 * domain's closed set, a sentence that says what to fix, and optional extra problem members.
 * Route wrappers answer any DomainError with its problem, so a domain adds codes to its own
 * table and nothing else.
 */
export abstract class DomainError<C extends string = string> extends Error {
  readonly code: C;
  readonly extensions?: Record<string, unknown>;
  protected abstract readonly problems: ProblemTable<C>;

  constructor(code: C, message: string, extensions?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (extensions) this.extensions = extensions;
  }

  toResponse(): Response {
    const { status, title } = this.problems[this.code];
    return problemResponse({ code: this.code, status, title, detail: this.message, extensions: this.extensions });
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
