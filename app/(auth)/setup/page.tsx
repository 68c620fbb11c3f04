import type { Metadata } from "next";
import { RegisterForm } from "@/components/auth/register-form";

export const metadata: Metadata = { title: "Set up the first administrator", referrer: "no-referrer" };

// The token travels in the URL fragment (#token=…), which browsers never send to the server.
export default function SetupPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Set up the first administrator</h1>
      <RegisterForm kind="setup" />
    </>
  );
}
