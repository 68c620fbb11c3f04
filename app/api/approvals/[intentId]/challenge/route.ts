import { getDb } from "@/lib/db/client";
import { startDecision } from "@/lib/approvals/decide";
import { challengeRequestSchema } from "@/lib/approvals/schemas";
import { webContext } from "@/lib/session/context";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Opens a passkey prompt for a decision: the statement to sign and the WebAuthn request options. */
export const POST = operatorRoute("intents.decide", async ({ request, params, operator, client }) => {
  const input = await readJson(request, challengeRequestSchema, { maxBytes: 8 * 1024 });
  return json(await startDecision(getDb(), webContext().rp, operator, params.intentId ?? "", input, client.ip));
});
