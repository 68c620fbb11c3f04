import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { versionViews } from "@/lib/policies/store/api";
import { publishPolicy } from "@/lib/policies/store/repository";
import { POLICY_BODY_BYTES, publishSchema } from "@/lib/policies/store/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Publishes the draft (or { document }) as the next version with a required change note. */
export const POST = operatorRoute("policies.write", async ({ request, operator, params }) => {
  const input = await readJson(request, publishSchema, { maxBytes: POLICY_BODY_BYTES });
  const db = getDb();
  const version = await writeTransaction(db, (tx) => publishPolicy(tx, { type: "operator", id: operator.id }, params.id ?? "", input));
  const [view] = await versionViews(db, [version]);
  return json({ version: view }, 201);
});
