import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignInForm } from "@/components/auth/sign-in-form";
import { currentSession } from "@/lib/session/page";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  ended: "Your session ended (signed out, expired, or changed by an administrator). Sign in again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof params.callbackUrl === "string" ? params.callbackUrl : null);
  const session = await currentSession();
  if (session.operator) redirect(callbackUrl);
  const reason = typeof params.reason === "string" ? params.reason : "";
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <SignInForm callbackUrl={callbackUrl} notice={NOTICES[reason]} />
    </>
  );
}
