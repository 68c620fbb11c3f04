import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { addTeamMemberSchema } from "@/lib/operators/schemas";
import { addTeamMember } from "@/lib/operators/teams";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const POST = operatorRoute("teams.manage", async ({ request, operator, params }) => {
  const { operatorId } = await readJson(request, addTeamMemberSchema);
  await writeTransaction(getDb(), (tx) => addTeamMember(tx, { type: "operator", id: operator.id }, params.id ?? "", operatorId));
  return json({ ok: true });
});
