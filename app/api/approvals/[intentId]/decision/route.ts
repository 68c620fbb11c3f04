import { getDb } from "@/lib/db/client";
import { completeDecision } from "@/lib/approvals/decide";
import { decisionRequestSchema } from "@/lib/approvals/schemas";
import { webContext } from "@/lib/session/context";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Records the decision signed by the passkey (the answer to the prompt from …/challenge). */
export const POST = operatorRoute("intents.decide", async ({ request, params, operator }) => {
  const input = await readJson(request, decisionRequestSchema, { maxBytes: 32 * 1024 });
  return json(await completeDecision(getDb(), webContext().rp, operator, params.intentId ?? "", { challenge: input.challenge, response: input.response }), 201);
});
