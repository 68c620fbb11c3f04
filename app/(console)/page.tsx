import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export default async function OverviewPage() {
  await requirePage("console.view");
  return (
    <>
      <PageHeader title="Overview" description="Activity across machines, intents, approvals and the audit log." />
      <EmptyState title="No activity yet">
        Once machines are enrolled and send signed requests, this page charts intents by decision, approvals and failed
        requests over time, lists pending approvals and recently enrolled or revoked machines, and shows the latest signed
        audit checkpoint.
      </EmptyState>
    </>
  );
}
