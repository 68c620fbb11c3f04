import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { machineViews } from "@/lib/machines/api";
import { changeMachineStatus, MACHINE_ACTIONS, type MachineAction } from "@/lib/machines/lifecycle";
import { machineActionSchema } from "@/lib/machines/schemas";
import { OperatorError } from "@/lib/operators/errors";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** POST /api/machines/:id/{confirm,suspend,resume,revoke} with { reason } (and { fingerprint } to confirm). */
export const POST = operatorRoute("machines.write", async ({ request, operator, params }) => {
  const action = params.action ?? "";
  if (!(MACHINE_ACTIONS as string[]).includes(action)) throw new OperatorError("not_found", `There is no machine action "${action.slice(0, 40)}"; use ${MACHINE_ACTIONS.join(", ")}.`);
  const input = await readJson(request, machineActionSchema);
  const db = getDb();
  const machine = await writeTransaction(db, (tx) => changeMachineStatus(tx, { type: "operator", id: operator.id }, params.id ?? "", action as MachineAction, input));
  const [view] = await machineViews(db, [machine]);
  return json({ machine: view });
});
