import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuditEntryDetailView } from "@/components/audit/entry/entry-detail";
import { parseSeq } from "@/lib/audit/custody/detail";
import { getDb } from "@/lib/db/client";
import { hasPermission } from "@/lib/operators/permissions";
import { requirePage } from "@/lib/session/page";

type Props = { params: Promise<{ seq: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Audit entry ${(await params).seq.slice(0, 20)}` };
}

/** A seq as the API accepts it, and an entry that exists: anything else is this page's 404. */
async function exists(text: string): Promise<boolean> {
  let seq: number;
  try {
    seq = parseSeq(text);
  } catch {
    return false;
  }
  return (await getDb().auditEntry.findUnique({ where: { seq }, select: { seq: true } })) !== null;
}

export default async function AuditEntryPage({ params }: Props) {
  const operator = await requirePage("audit.read");
  const { seq } = await params;
  if (!(await exists(seq))) notFound();
  return <AuditEntryDetailView seq={seq} canReadOperators={hasPermission(operator.roles, "operators.read")} />;
}
