import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditSearch } from "@/components/audit/search/audit-search";
import { Loading } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requirePage("audit.read");
  return (
    <>
      <PageHeader title="Audit" description="The append-only, hash-linked record of every signed request and every change." />
      <Suspense fallback={<Loading label="Searching the trail…" />}>
        <AuditSearch />
      </Suspense>
    </>
  );
}
