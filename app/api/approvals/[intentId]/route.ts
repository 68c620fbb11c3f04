import { getDb } from "@/lib/db/client";
import { approvalDetail } from "@/lib/approvals/read";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** One intent awaiting (or past) approval, with the machine's recent intents and the viewer's standing. */
export const GET = operatorRoute("intents.read", async ({ params, operator }) => json(await approvalDetail(getDb(), operator.id, params.intentId ?? "")));
