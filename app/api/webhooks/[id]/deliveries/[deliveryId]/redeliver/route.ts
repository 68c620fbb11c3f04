import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { json, operatorRoute } from "@/lib/session/route";
import { redeliver } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

/** A failed delivery, queued again with the same body (same event id). */
export const POST = operatorRoute("settings.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => redeliver(tx, { type: "operator", id: operator.id }, params.id ?? "", params.deliveryId ?? ""));
  return json({ ok: true }, 202);
});
