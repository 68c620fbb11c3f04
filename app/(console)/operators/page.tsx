import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Operators" };

export default function OperatorsPage() {
  return (
    <>
      <PageHeader title="Operators" description="People who sign in with passkeys to enroll machines, edit policies and approve intents." />
      <EmptyState title="Operator accounts are not available yet">
        Passkey sign-in, roles (admin, editor, approver, auditor), teams and invitations will be managed here.
      </EmptyState>
    </>
  );
}
