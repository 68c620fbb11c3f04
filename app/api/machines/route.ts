import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { machineViews } from "@/lib/machines/api";
import { listMachines, machineFacets, machineQuerySchema } from "@/lib/machines/inventory";
import { registerMachine } from "@/lib/machines/repository";
import { registerMachineSchema } from "@/lib/machines/schemas";
import { OperatorError } from "@/lib/operators/errors";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** The inventory: search, filters, sort and paging all happen in the database. */
export const GET = operatorRoute("machines.read", async ({ request }) => {
  const parsed = machineQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperatorError("invalid_request", `${issue?.path.join(".") ?? "query"}: ${issue?.message ?? "invalid"}`);
  }
  const db = getDb();
  const [page, facets] = await Promise.all([listMachines(db, parsed.data), machineFacets(db)]);
  return json({ ...page, items: await machineViews(db, page.items), facets });
});

/** Registers a machine whose key lives elsewhere: pending until it proves possession or is confirmed. */
export const POST = operatorRoute("machines.write", async ({ request, operator }) => {
  const input = await readJson(request, registerMachineSchema);
  const db = getDb();
  const machine = await writeTransaction(db, (tx) => registerMachine(tx, { ...input, actor: { type: "operator", id: operator.id }, activation: "proof" }));
  const [view] = await machineViews(db, [machine]);
  return json({ machine: view }, 201);
});
