import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { policyDetail } from "@/lib/policies/store/api";
import { discardDraft, saveDraft } from "@/lib/policies/store/repository";
import { POLICY_BODY_BYTES, draftSchema } from "@/lib/policies/store/schemas";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/**
 * Saves the document being edited, even when invalid, and returns its problems. With
 * `baseDraftUpdatedAt` (what the editor loaded; null for no draft), a draft changed by someone
 * else meanwhile is a 409 `conflict` and nothing changes.
 */
export const PUT = operatorRoute("policies.write", async ({ request, operator, params }) => {
  const { document, baseDraftUpdatedAt } = await readJson(request, draftSchema, { maxBytes: POLICY_BODY_BYTES });
  const saved = await writeTransaction(getDb(), (tx) => saveDraft(tx, { type: "operator", id: operator.id }, params.id ?? "", document, new Date(), { baseDraftUpdatedAt }));
  return json({ draftUpdatedAt: saved.draftUpdatedAt.toISOString(), issues: saved.issues });
});

/** Discards the unsaved changes (a never-published policy goes back to the empty document). */
export const DELETE = operatorRoute("policies.write", async ({ operator, params }) => {
  const db = getDb();
  const policy = await writeTransaction(db, (tx) => discardDraft(tx, { type: "operator", id: operator.id }, params.id ?? ""));
  return json({ policy: await policyDetail(db, policy.id) });
});
