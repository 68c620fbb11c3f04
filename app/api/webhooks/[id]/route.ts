import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { json, operatorRoute, readJson } from "@/lib/session/route";
import { deleteEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";
import { updateWebhookSchema } from "@/lib/webhooks/schemas";

export const dynamic = "force-dynamic";

export const PATCH = operatorRoute("settings.manage", async ({ request, operator, params }) => {
  const input = await readJson(request, updateWebhookSchema);
  await writeTransaction(getDb(), (tx) => updateEndpoint(tx, { type: "operator", id: operator.id }, params.id ?? "", input));
  return json({ ok: true });
});

/** Only an endpoint without deliveries; otherwise 409 has_deliveries (disable it instead). */
export const DELETE = operatorRoute("settings.manage", async ({ operator, params }) => {
  await writeTransaction(getDb(), (tx) => deleteEndpoint(tx, { type: "operator", id: operator.id }, params.id ?? ""));
  return json({ ok: true });
});
