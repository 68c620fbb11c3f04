import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { json, operatorRoute } from "@/lib/session/route";
import { sendTest } from "@/lib/webhooks/endpoints";

export const dynamic = "force-dynamic";

/** Queues a webhook.test event for the endpoint; the dispatcher sends it within seconds. */
export const POST = operatorRoute("settings.manage", async ({ operator, params }) => {
  const eventId = await writeTransaction(getDb(), (tx) => sendTest(tx, { type: "operator", id: operator.id }, params.id ?? ""));
  return json({ eventId }, 202);
});
