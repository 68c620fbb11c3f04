import { getDb } from "@/lib/db/client";
import { impactPreview } from "@/lib/policies/store/impact";
import { POLICY_BODY_BYTES, impactSchema } from "@/lib/policies/store/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Replays recent recorded intents against { document } in place of this policy (changes nothing). */
export const POST = operatorRoute("policies.read", async ({ request, params }) => {
  const { document, sinceHours } = await readJson(request, impactSchema, { maxBytes: POLICY_BODY_BYTES });
  return json(await impactPreview(getDb(), params.id ?? "", document, sinceHours));
});
