/** The Console's browser-side calls to its own route handlers, with problem+json errors surfaced. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network_error", "The Console could not be reached; check your connection and try again.");
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below with a generic sentence.
  }
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string };
    // The session ended while the page was open (signed out elsewhere, disabled, roles removed).
    // A full load: nothing of the ended session's page state should survive.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    if (response.status === 401 && problem.code === "unauthenticated") window.location.assign("/sign-in?reason=ended");
    throw new ApiError(response.status, problem.code ?? "http_error", problem.detail ?? `The request failed (HTTP ${response.status}).`);
  }
  return body as T;
}

export function errorText(error: unknown): string | null {
  if (!error) return null;
  return error instanceof Error ? error.message : String(error);
}
