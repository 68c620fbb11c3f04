import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import { machineSummary } from "@/lib/machines/model";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * The calling machine's identity, for a correctly signed request. POST is accepted too (with
 * any body) so that body signing (Content-Digest) can be tried against a harmless endpoint.
 */
async function whoami(request: Request): Promise<Response> {
  const auth = await authenticateMachineRequest(request);
  if (!auth.ok) return auth.response;
  return Response.json({ machine: machineSummary(auth.machine), auditSeq: auth.auditSeq }, { headers: { "cache-control": "no-store" } });
}

export const GET = whoami;
export const POST = whoami;
