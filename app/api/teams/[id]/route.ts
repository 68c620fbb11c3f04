import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { deleteTeam } from "@/lib/operators/teams";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const DELETE = operatorRoute("teams.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => deleteTeam(tx, { type: "operator", id: operator.id }, params.id ?? ""));
  return json({ ok: true });
});
