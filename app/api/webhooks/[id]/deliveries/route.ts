import { getDb } from "@/lib/db/client";
import { json, operatorRoute } from "@/lib/session/route";
import { DELIVERY_PAGE_SIZES, listDeliveries } from "@/lib/webhooks/endpoints";
import { WebhookError } from "@/lib/webhooks/errors";

export const dynamic = "force-dynamic";

/** ?page=1&pageSize=10|20|50, newest first. */
export const GET = operatorRoute("settings.read", async ({ request, params }) => {
  const search = new URL(request.url).searchParams;
  const page = Number(search.get("page") ?? 1);
  const pageSize = Number(search.get("pageSize") ?? 20);
  if (!Number.isSafeInteger(page) || page < 1 || page > 100_000) throw new WebhookError("input_invalid", "page must be a whole number from 1.");
  if (!(DELIVERY_PAGE_SIZES as readonly number[]).includes(pageSize)) throw new WebhookError("input_invalid", `pageSize must be one of ${DELIVERY_PAGE_SIZES.join(", ")}.`);
  return json(await listDeliveries(getDb(), params.id ?? "", page, pageSize));
});
