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
