import { buildReceipt } from "@/lib/audit/receipt-build";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { machineRoute } from "@/lib/auth/machine-route";
import { loadConfig } from "@/lib/config/env";
import { IntentError } from "@/lib/intents/errors";
import { readIntent } from "@/lib/intents/read";
import { INTENTS_PATH } from "@/lib/intents/wire";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const SUFFIX = "/receipt";

/** The id from /api/v1/intents/{id}/receipt (machineRoute handlers see only the request). */
function intentId(request: Request): string {
  const path = new URL(request.url).pathname;
  const prefix = `${INTENTS_PATH}/`;
  const raw = path.startsWith(prefix) && path.endsWith(SUFFIX) ? path.slice(prefix.length, -SUFFIX.length) : "";
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new IntentError("not_found", "This machine has no intent with that id.");
  }
}

/**
 * The intent's audit receipt (docs/audit.md, "Receipts"), for the machine that submitted it
 * (another machine gets 404, as for the intent itself). Reading records nothing beyond the
 * machine.request entry the signed GET itself gets from the authentication layer.
 */
export const GET = machineRoute(null, async ({ request, auth, deps }) => {
  const intent = await readIntent(deps.db, auth.machine.id, intentId(request), new Date(deps.now()));
  const identity = await getLogIdentity(deps.db, loadConfig());
  const receipt = await buildReceipt(deps.db, identity, intent, new Date(deps.now()));
  return Response.json(receipt, { headers: { "cache-control": "no-store" } });
});
