import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { removePasskey, renamePasskey } from "@/lib/operators/passkeys";
import { renamePasskeySchema } from "@/lib/operators/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Renames one of the signed-in operator's own passkeys. */
export const PATCH = operatorRoute("account.manage", async ({ request, operator, params }) => {
  const { name } = await readJson(request, renamePasskeySchema);
  await writeTransaction(getDb(), (tx) => renamePasskey(tx, { type: "operator", id: operator.id }, operator.id, params.id ?? "", name));
  return json({ ok: true });
});

/** Removes one of the signed-in operator's own passkeys (never the last one). */
export const DELETE = operatorRoute("account.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => removePasskey(tx, { type: "operator", id: operator.id }, operator.id, params.id ?? ""));
  return json({ ok: true });
});
