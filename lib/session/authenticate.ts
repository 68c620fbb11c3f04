/**
 * From a session cookie to the signed-in operator. next-auth's JWT decoder checks the cookie's
 * encryption and expiry; resolveSession then checks the session row and the operator, so the
 * answer reflects sign-outs, disabled operators and removed roles immediately.
 */
import { decode } from "next-auth/jwt";
import { getDb } from "../db/client";
import { isSessionClaims, resolveSession, type CurrentOperator } from "../operators/sessions";
import { readCookie } from "./cookies";
import { webContext } from "./context";

export type SessionState = { operator: CurrentOperator } | { operator: null; reason: "none" | "ended" };

export async function sessionFromCookie(value: string | null | undefined): Promise<SessionState> {
  if (!value) return { operator: null, reason: "none" };
  const { sessionSecret } = webContext();
  let claims: unknown = null;
  try {
    claims = await decode({ token: value, secret: sessionSecret });
  } catch {
    // Tampered, encrypted under another secret, or expired: no session.
  }
  const operator = isSessionClaims(claims) ? await resolveSession(getDb(), claims) : null;
  return operator ? { operator } : { operator: null, reason: "ended" };
}

export function sessionFromRequest(request: Request): Promise<SessionState> {
  return sessionFromCookie(readCookie(request.headers.get("cookie"), webContext().sessionCookie));
}
