import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PolicyEditor } from "@/components/policies/policy-editor";
import { getDb } from "@/lib/db/client";
import { hasPermission } from "@/lib/operators/permissions";
import { policyName } from "@/lib/policies/store/api";
import { currentSession, requirePage } from "@/lib/session/page";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // The name only for operators who may read policies; the page itself refuses the others.
  const operator = (await currentSession()).operator;
  if (!operator || !hasPermission(operator.roles, "policies.read")) return { title: "Policy" };
  const name = await policyName(getDb(), (await params).id);
  return { title: name ? `${name} · Policies` : "Policy not found" };
}

export default async function PolicyPage({ params }: Props) {
  const operator = await requirePage("policies.read");
  const { id } = await params;
  // An unknown id is a real 404; the policy itself is loaded in the browser (GET /api/policies/:id).
  if ((await policyName(getDb(), id)) === null) notFound();
  return <PolicyEditor id={id} canWrite={hasPermission(operator.roles, "policies.write")} />;
}
