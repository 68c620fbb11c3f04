import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { removePasskey } from "@/lib/operators/passkeys";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** An administrator removes another operator's passkey (a lost device); never their last one. */
export const DELETE = operatorRoute("operators.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => removePasskey(tx, { type: "operator", id: operator.id }, params.id ?? "", params.passkeyId ?? ""));
  return json({ ok: true });
});
