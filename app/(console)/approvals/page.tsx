import type { Metadata } from "next";
import { ApprovalQueuePage } from "@/components/approvals/approval-queue";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  await requirePage("intents.read");
  return (
    <>
      <PageHeader title="Approvals" description="High-risk intents that wait for operators to approve or reject them with a passkey. Each decision is a passkey signature over the intent's hash." />
      <ApprovalQueuePage />
    </>
  );
}
