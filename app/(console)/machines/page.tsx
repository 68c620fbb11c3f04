import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Machines" };

export default async function MachinesPage() {
  await requirePage("machines.read");
  return (
    <>
      <PageHeader title="Machines" description="Every service, CI job and agent with its own Ed25519 identity." />
      <EmptyState title="No machines enrolled">
        Machine enrollment from the browser is not available in this version yet. When it lands, you will create a one-time
        enrollment ticket here, run one command on the machine, and confirm its key fingerprint; enrolled machines are listed
        here with their status, tags and last activity.
      </EmptyState>
    </>
  );
}
