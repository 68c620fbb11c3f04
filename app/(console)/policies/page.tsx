import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await requirePage("policies.read");
  return (
    <>
      <PageHeader title="Policies" description="Scope policies decide every intent: allow, deny, or wait for approval." />
      <EmptyState title="No policies yet">
        Until a policy is published, PTERI denies every intent (default deny). The visual policy editor, its simulator and
        version history are not available in this version yet.
      </EmptyState>
    </>
  );
}
