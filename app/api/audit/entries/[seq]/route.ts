import { auditEntryDetail, parseSeq } from "@/lib/audit/custody/detail";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { loadConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** One audit entry, its chain of custody, and the material to re-verify them in the browser. */
export const GET = operatorRoute("audit.read", async ({ params }) => {
  const seq = parseSeq(params.seq ?? "");
  const db = getDb();
  return json(await auditEntryDetail(db, await getLogIdentity(db, loadConfig()), seq));
});
