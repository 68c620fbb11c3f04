import { getDb } from "@/lib/db/client";
import { completeRegistration } from "@/lib/operators/registration";
import { registerSchema } from "@/lib/operators/schemas";
import { webContext } from "@/lib/session/context";
import { json, publicRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Creates the operator and their passkey, using the setup link or invitation up. */
export const POST = publicRoute(async ({ request, client }) => {
  const input = await readJson(request, registerSchema);
  const created = await completeRegistration(getDb(), webContext().rp, input, client);
  return json({ operator: { id: created.operatorId }, credentialId: created.credentialId }, 201);
});
