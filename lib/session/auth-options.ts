/**
 * next-auth configuration. One provider, "passkey": a credentials-style provider whose
 * authorize() verifies a WebAuthn assertion on the server (lib/operators/sign-in.ts). Sessions
 * are next-auth JWT cookies that name a server-side session row (see lib/operators/sessions.ts).
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { SESSION_MAX_AGE_SECONDS } from "../operators/constants";
import { isOperatorError } from "../operators/errors";
import { endSession, isSessionClaims } from "../operators/sessions";
import { signInWithPasskey } from "../operators/sign-in";
import { requestContext } from "./client";
import { webContext } from "./context";

declare module "next-auth" {
  interface User {
    sid: string;
    sv: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
    sv?: number;
  }
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const web = webContext();
  // next-auth reads its own URL from the environment; derive it from PTERI_PUBLIC_URL so there
  // is one setting, not two that can disagree.
  process.env.NEXTAUTH_URL = `${web.config.publicUrl.href.replace(/\/$/, "")}/api/auth`;
  cached = {
    secret: web.sessionSecret,
    useSecureCookies: web.secure,
    cookies: {
      sessionToken: { name: web.sessionCookie, options: { httpOnly: true, sameSite: "lax", path: "/", secure: web.secure } },
    },
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "passkey",
        name: "Passkey",
        credentials: { response: { label: "Passkey response", type: "text" } },
        async authorize(credentials, req) {
          const ctx = requestContext(new Headers(req.headers as Record<string, string>));
          let response: unknown = null;
          try {
            response = JSON.parse(credentials?.response ?? "null");
          } catch {
            // Left null: signInWithPasskey refuses it as malformed and counts the failure.
          }
          try {
            const signedIn = await signInWithPasskey(getDb(), web.rp, response, ctx);
            return { id: signedIn.operatorId, name: signedIn.name, sid: signedIn.sessionId, sv: signedIn.sessionVersion };
          } catch (error) {
            // next-auth puts the thrown message in the redirect URL: a stable code, never details.
            if (isOperatorError(error)) throw new Error(error.code);
            console.error(`pteri: sign-in failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
            throw new Error("server_error");
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) return { sub: user.id, name: user.name, sid: user.sid, sv: user.sv };
        return token;
      },
      session({ session, token }) {
        return { expires: session.expires, user: { name: token.name } };
      },
    },
    events: {
      async signOut({ token }) {
        const claims = { sub: token?.sub, sid: token?.sid, sv: token?.sv };
        if (isSessionClaims(claims)) await endSession(getDb(), claims);
      },
    },
    logger: {
      error(code, metadata) {
        const message = metadata instanceof Error ? metadata.message : "";
        console.error(`pteri: next-auth ${code}${message ? `: ${message.split("\n")[0]}` : ""}`);
      },
      warn() {},
      debug() {},
    },
  };
  return cached;
}
