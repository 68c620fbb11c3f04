import { NextResponse, type NextRequest } from "next/server";
import { hasSessionCookie } from "@/lib/session/cookies";

/**
 * A convenience, not the defence: a visitor without any session cookie who opens a Console page
 * goes straight to /sign-in, remembering where they were going. Every page and route handler
 * still checks the session and the permission on the server (lib/session/page.ts, route.ts).
 */
export function proxy(request: NextRequest): NextResponse {
  if (hasSessionCookie(request.cookies.getAll().map((c) => c.name))) return NextResponse.next();
  const url = new URL("/sign-in", request.nextUrl);
  const target = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Console pages only: not the API (machines sign requests; route handlers answer 401 problems),
  // not the sign-in/setup/invite pages, not Next.js assets or well-known files.
  matcher: ["/((?!api/|_next/|\\.well-known/|sign-in|setup|invite|icon\\.svg|favicon\\.ico|robots\\.txt).*)"],
};
