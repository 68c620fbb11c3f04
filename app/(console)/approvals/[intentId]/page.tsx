import type { Metadata } from "next";
import { ApprovalDetailPage } from "@/components/approvals/approval-detail";
import { requirePage } from "@/lib/session/page";

type Props = { params: Promise<{ intentId: string }> };

// The action and resource are machine-supplied: the title stays generic rather than echo them.
export const metadata: Metadata = { title: "Intent · Approvals" };

export default async function ApprovalPage({ params }: Props) {
  await requirePage("intents.read");
  const { intentId } = await params;
  return <ApprovalDetailPage intentId={intentId} />;
}
