import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { versionViews } from "@/lib/policies/store/api";
import { rollbackPolicy } from "@/lib/policies/store/repository";
import { POLICY_BODY_BYTES, rollbackSchema } from "@/lib/policies/store/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Republishes an older version as the next version, with a required change note. */
export const POST = operatorRoute("policies.write", async ({ request, operator, params }) => {
  const input = await readJson(request, rollbackSchema, { maxBytes: POLICY_BODY_BYTES });
  const db = getDb();
  const version = await writeTransaction(db, (tx) => rollbackPolicy(tx, { type: "operator", id: operator.id }, params.id ?? "", input));
  const [view] = await versionViews(db, [version]);
  return json({ version: view }, 201);
});
