import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MachineDetail } from "@/components/machines/machine-detail";
import { getDb } from "@/lib/db/client";
import { findMachineById } from "@/lib/machines/repository";
import { hasPermission } from "@/lib/operators/permissions";
import { currentSession, requirePage } from "@/lib/session/page";

type Props = { params: Promise<{ id: string }> };

async function findName(id: string): Promise<string | null> {
  return (await findMachineById(getDb(), id))?.name ?? null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // The name only for operators who may read machines; the page itself refuses the others.
  const operator = (await currentSession()).operator;
  if (!operator || !hasPermission(operator.roles, "machines.read")) return { title: "Machine" };
  const name = await findName((await params).id);
  return { title: name ? `${name} · Machines` : "Machine not found" };
}

export default async function MachinePage({ params }: Props) {
  const operator = await requirePage("machines.read");
  const { id } = await params;
  const name = await findName(id);
  if (name === null) notFound();
  return <MachineDetail id={id} initialName={name} canWrite={hasPermission(operator.roles, "machines.write")} />;
}
