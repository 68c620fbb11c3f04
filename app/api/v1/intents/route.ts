import { approvalsReceived } from "@/lib/approvals/read";
import { machineRoute } from "@/lib/auth/machine-route";
import { intentAnswer } from "@/lib/intents/model";
import { submitIntent } from "@/lib/intents/submit";
import { INTENTS_PATH } from "@/lib/intents/wire";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Submits an intent (docs/intents.md): 201 with the decision for a new one, 200 with the
 * stored one when this machine submitted the same document before.
 */
export const POST = machineRoute(null, async ({ auth, deps }) => {
  const { intent, created } = await submitIntent(deps.db, {
    machine: auth.machine,
    keyId: auth.keyId,
    body: auth.body,
    requestSeq: auth.auditSeq,
    now: new Date(deps.now()),
  });
  return Response.json(intentAnswer(intent, intent.obligation ? await approvalsReceived(deps.db, intent.id) : 0), {
    status: created ? 201 : 200,
    headers: { "cache-control": "no-store", location: `${INTENTS_PATH}/${intent.id}` },
  });
});
