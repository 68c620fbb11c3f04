import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { problemResponse } from "@/lib/http/problem";
import { authOptions } from "@/lib/session/auth-options";
import { webContext } from "@/lib/session/context";
import { isSameOrigin } from "@/lib/session/origin";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth's own endpoints: sign-in callback (the passkey provider), sign-out, csrf, session.
// Public by nature; next-auth checks its CSRF token on POSTs, and the origin check below adds
// the same defence the Console's other state-changing routes have.
export function GET(request: NextRequest, context: Context): Promise<Response> {
  return NextAuth(request, context, authOptions());
}

export function POST(request: NextRequest, context: Context): Promise<Response> {
  if (!isSameOrigin(request.headers, webContext().config.publicUrl)) {
    return Promise.resolve(
      problemResponse({ code: "cross_origin", status: 403, title: "Cross-origin request refused", detail: "Sign-in and sign-out must come from the Console's own pages." }),
    );
  }
  return NextAuth(request, context, authOptions());
}
