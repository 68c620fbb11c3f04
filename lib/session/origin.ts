/**
 * CSRF defence for every state-changing request: it must come from the Console's own origin.
 * Browsers send Origin on every non-GET request (and Sec-Fetch-Site on all of them), which a
 * cross-site page cannot forge; a request with neither is refused, since the session cookie
 * only ever travels from browsers. next-auth adds its own CSRF token on its endpoints.
 */
export function isSameOrigin(headers: Headers, publicUrl: URL): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return origin === publicUrl.origin;
  return headers.get("sec-fetch-site") === "same-origin";
}

export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}
