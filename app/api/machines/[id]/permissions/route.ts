import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { machineViews } from "@/lib/machines/api";
import { setMachinePermissions } from "@/lib/machines/lifecycle";
import { machinePermissionsSchema } from "@/lib/machines/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const PUT = operatorRoute("machines.write", async ({ request, operator, params }) => {
  const grant = await readJson(request, machinePermissionsSchema);
  const db = getDb();
  const machine = await writeTransaction(db, (tx) => setMachinePermissions(tx, { type: "operator", id: operator.id }, params.id ?? "", grant));
  const [view] = await machineViews(db, [machine]);
  return json({ machine: view });
});
