import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { revokeInvitation } from "@/lib/operators/invitations";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const DELETE = operatorRoute("operators.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => revokeInvitation(tx, { type: "operator", id: operator.id }, params.id ?? ""));
  return json({ ok: true });
});
