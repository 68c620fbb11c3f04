import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requirePage("intents.read");
  return (
    <>
      <PageHeader title="Approvals" description="High-risk intents that wait for operators to approve or reject them with a passkey." />
      <EmptyState title="Nothing waiting for approval">
        Intents whose policy requires approval will queue here with the machine, the action, its parameters and the rule that
        asked for approval. Intent submission is not available in this version yet.
      </EmptyState>
    </>
  );
}
