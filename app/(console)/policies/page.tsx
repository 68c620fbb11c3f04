import type { Metadata } from "next";
import { NewPolicyButton, PolicyList } from "@/components/policies/policy-list";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/operators/permissions";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  const operator = await requirePage("policies.read");
  // The UI hides what the server would refuse; every route handler checks again.
  const canWrite = hasPermission(operator.roles, "policies.write");
  return (
    <>
      <PageHeader title="Policies" description="Scope policies decide every intent: allow, deny, or wait for approval. Anything no published rule allows is denied." actions={canWrite ? <NewPolicyButton /> : null} />
      <PolicyList canWrite={canWrite} />
    </>
  );
}
