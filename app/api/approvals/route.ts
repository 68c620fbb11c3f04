import { getDb } from "@/lib/db/client";
import { approvalQueue, parseQueueStatus } from "@/lib/approvals/read";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** The approval queue (docs/approvals.md): ?status=pending (default, soonest deadline first) or decided (the 50 latest). */
export const GET = operatorRoute("intents.read", async ({ request, operator }) => {
  const status = parseQueueStatus(new URL(request.url).searchParams.get("status"));
  return json(await approvalQueue(getDb(), operator.id, status));
});
