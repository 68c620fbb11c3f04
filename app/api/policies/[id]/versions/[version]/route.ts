import { getDb } from "@/lib/db/client";
import { versionDetail } from "@/lib/policies/store/api";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** One published version, with its document. */
export const GET = operatorRoute("policies.read", async ({ params }) => {
  const raw = params.version ?? "";
  const version = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
  return json({ version: await versionDetail(getDb(), params.id ?? "", version) });
});
