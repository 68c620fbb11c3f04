import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { policyDetail, policyList } from "@/lib/policies/store/api";
import { createPolicy } from "@/lib/policies/store/repository";
import { POLICY_BODY_BYTES, newPolicySchema } from "@/lib/policies/store/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Every policy, by name. */
export const GET = operatorRoute("policies.read", async () => json({ policies: await policyList(getDb()) }));

/** Creates a policy (never published) whose draft is a valid document with no rules. */
export const POST = operatorRoute("policies.write", async ({ request, operator }) => {
  const input = await readJson(request, newPolicySchema, { maxBytes: POLICY_BODY_BYTES });
  const db = getDb();
  const policy = await writeTransaction(db, (tx) => createPolicy(tx, { type: "operator", id: operator.id }, input));
  return json({ policy: await policyDetail(db, policy.id) }, 201);
});
