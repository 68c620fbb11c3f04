/**
 * Server-side checks for Console pages: who is signed in (once per request), and the permission
 * a page needs. Anonymous visitors go to /sign-in; operators without the permission get a 403
 * page. Data never reaches the browser without passing the same catalog (route handlers check
 * it again), so hiding a page is convenience, not the defence.
 */
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { hasPermission, type Permission } from "../operators/permissions";
import type { CurrentOperator } from "../operators/sessions";
import { sessionFromCookie, type SessionState } from "./authenticate";
import { webContext } from "./context";

export const currentSession = cache(async (): Promise<SessionState> => {
  const jar = await cookies();
  return sessionFromCookie(jar.get(webContext().sessionCookie)?.value);
});

export async function requireOperator(): Promise<CurrentOperator> {
  const session = await currentSession();
  if (!session.operator) redirect(session.reason === "ended" ? "/sign-in?reason=ended" : "/sign-in");
  return session.operator;
}

export async function requirePage(permission: Permission): Promise<CurrentOperator> {
  const operator = await requireOperator();
  if (!hasPermission(operator.roles, permission)) forbidden();
  return operator;
}
