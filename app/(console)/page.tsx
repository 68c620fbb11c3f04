import { Suspense } from "react";
import { OverviewDashboard } from "@/components/overview/overview-page";
import { Loading } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export default async function OverviewPage() {
  await requirePage("console.view");
  return (
    <>
      <PageHeader title="Overview" description="Activity across machines, intents, approvals and the audit log." />
      <Suspense fallback={<Loading label="Loading activity…" />}>
        <OverviewDashboard />
      </Suspense>
    </>
  );
}
