import { approvalsReceived } from "@/lib/approvals/read";
import { machineRoute } from "@/lib/auth/machine-route";
import { IntentError } from "@/lib/intents/errors";
import { intentAnswer } from "@/lib/intents/model";
import { parseWait, waitForIntent } from "@/lib/intents/read";
import { INTENTS_PATH } from "@/lib/intents/wire";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The id from /api/v1/intents/{id} (machineRoute handlers see only the request). */
function intentId(request: Request): string {
  const path = new URL(request.url).pathname;
  const prefix = `${INTENTS_PATH}/`;
  const raw = path.startsWith(prefix) ? path.slice(prefix.length) : "";
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new IntentError("not_found", "This machine has no intent with that id.");
  }
}

/**
 * The intent, for the machine that submitted it (another machine gets 404). `?wait=SECONDS`
 * (1 to 60) holds the answer while the intent is pending, up to that long.
 */
export const GET = machineRoute(null, async ({ request, auth, deps }) => {
  const id = intentId(request);
  const waitSeconds = parseWait(new URL(request.url).searchParams.get("wait"));
  const intent = await waitForIntent(deps.db, auth.machine.id, id, { waitSeconds, now: () => new Date(deps.now()), signal: request.signal });
  return Response.json(intentAnswer(intent, intent.obligation ? await approvalsReceived(deps.db, intent.id) : 0), { headers: { "cache-control": "no-store" } });
});
