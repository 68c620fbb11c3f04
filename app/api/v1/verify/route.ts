import { machineRoute } from "@/lib/auth/machine-route";
import { verifyExecution } from "@/lib/intents/verify";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * A resource service asks whether the signed request it received may execute its intent
 * (docs/intents.md, "Executing an intent"). 200 for allow and deny alike: the verification
 * itself succeeded; the answer says which, and why.
 */
export const POST = machineRoute("intents.verify", async ({ auth, deps }) => {
  const answer = await verifyExecution(deps.db, {
    verifier: auth.machine,
    verifierKeyId: auth.keyId,
    requestSeq: auth.auditSeq,
    body: auth.body,
    now: new Date(deps.now()),
    backend: deps.backend,
  });
  return Response.json(answer, { headers: { "cache-control": "no-store" } });
});
