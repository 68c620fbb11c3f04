import type { Metadata } from "next";
import { RegisterForm } from "@/components/auth/register-form";

export const metadata: Metadata = { title: "Accept an invitation", referrer: "no-referrer" };

// The token travels in the URL fragment (#token=…), which browsers never send to the server.
export default function InvitePage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Accept your invitation</h1>
      <RegisterForm kind="invite" />
    </>
  );
}
