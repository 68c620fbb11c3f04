import type { Metadata } from "next";
import { Suspense } from "react";
import { EnrollMachineButton } from "@/components/machines/enroll-dialog";
import { InventorySkeleton, MachineInventory } from "@/components/machines/inventory";
import { RegisterKeyButton } from "@/components/machines/register-key-dialog";
import { OpenTicketsPanel } from "@/components/machines/tickets-panel";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/operators/permissions";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Machines" };

export default async function MachinesPage() {
  const operator = await requirePage("machines.read");
  // The UI hides what the server would refuse; every route handler checks again.
  const canWrite = hasPermission(operator.roles, "machines.write");
  return (
    <>
      <PageHeader
        title="Machines"
        description="Every service, CI job and agent with its own Ed25519 identity."
        actions={
          canWrite ? (
            <div className="flex flex-wrap gap-2">
              <RegisterKeyButton />
              <EnrollMachineButton />
            </div>
          ) : null
        }
      />
      {canWrite ? <OpenTicketsPanel /> : null}
      <Suspense fallback={<InventorySkeleton />}>
        <MachineInventory canWrite={canWrite} />
      </Suspense>
    </>
  );
}
