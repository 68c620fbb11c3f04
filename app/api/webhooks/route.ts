import { loadConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { json, operatorRoute, readJson } from "@/lib/session/route";
import { webhookList } from "@/lib/webhooks/api";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { createWebhookSchema } from "@/lib/webhooks/schemas";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("settings.read", async () => json(await webhookList(getDb(), loadConfig())));

export const POST = operatorRoute("settings.manage", async ({ request, operator }) => {
  const input = await readJson(request, createWebhookSchema);
  const id = await writeTransaction(getDb(), (tx) => createEndpoint(tx, { type: "operator", id: operator.id }, input));
  return json({ endpoint: { id } }, 201);
});
