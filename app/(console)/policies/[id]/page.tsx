import type { Metadata } from "next";
import { PolicyEditor } from "@/components/policies/policy-editor";
import { hasPermission } from "@/lib/operators/permissions";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Policy" };

type Props = { params: Promise<{ id: string }> };

export default async function PolicyPage({ params }: Props) {
  const operator = await requirePage("policies.read");
  const { id } = await params;
  // The policy itself is loaded in the browser (GET /api/policies/:id), which says "not found" if need be.
  return <PolicyEditor id={id} canWrite={hasPermission(operator.roles, "policies.write")} />;
}
