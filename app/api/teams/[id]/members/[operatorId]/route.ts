import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { removeTeamMember } from "@/lib/operators/teams";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const DELETE = operatorRoute("teams.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => removeTeamMember(tx, { type: "operator", id: operator.id }, params.id ?? "", params.operatorId ?? ""));
  return json({ ok: true });
});
