import { machineRoute } from "@/lib/auth/machine-route";
import { machineSummary } from "@/lib/machines/model";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * The calling machine's identity, for a correctly signed request. POST is accepted too (with
 * any body) so that body signing (Content-Digest) can be tried against a harmless endpoint.
 */
const whoami = machineRoute(null, async ({ auth }) =>
  Response.json({ machine: machineSummary(auth.machine), auditSeq: auth.auditSeq }, { headers: { "cache-control": "no-store" } }),
);

export const GET = whoami;
export const POST = whoami;
