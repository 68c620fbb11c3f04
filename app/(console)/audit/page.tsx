import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requirePage("audit.read");
  return (
    <>
      <PageHeader title="Audit" description="The append-only, hash-linked record of every signed request and every change." />
      <EmptyState title="Audit search is not available yet">
        Searching the trail, following one request&apos;s chain of custody, and verifying entries in the browser will be here.
      </EmptyState>
    </>
  );
}
