/**
 * Cookie names. The session cookie is HttpOnly and SameSite=Lax; over https it is also Secure
 * and carries the __Secure- prefix, which browsers refuse to set from plain http.
 */
export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}pteri.session`;
}

/** True if the Cookie header carries a session cookie at all (valid or not). */
export function hasSessionCookie(cookieNames: Iterable<string>): boolean {
  for (const name of cookieNames) if (name === "pteri.session" || name === "__Secure-pteri.session") return true;
  return false;
}

/** Reads one cookie from a Cookie header. */
export function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
