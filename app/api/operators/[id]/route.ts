import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { setOperatorRoles, setOperatorStatus } from "@/lib/operators/management";
import { getOperator } from "@/lib/operators/records";
import { updateOperatorSchema } from "@/lib/operators/schemas";
import { OperatorError } from "@/lib/operators/errors";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Changes an operator's roles and/or status (disabling ends their sessions). */
export const PATCH = operatorRoute("operators.manage", async ({ request, operator, params }) => {
  const input = await readJson(request, updateOperatorSchema);
  const id = params.id ?? "";
  const actor = { type: "operator" as const, id: operator.id };
  await writeTransaction(getDb(), async (tx) => {
    if (input.roles) await setOperatorRoles(tx, actor, id, input.roles);
    if (input.status) await setOperatorStatus(tx, actor, id, input.status);
  });
  const updated = await getOperator(getDb(), id);
  if (!updated) throw new OperatorError("not_found", "There is no operator with that id.");
  return json({ operator: updated });
});
