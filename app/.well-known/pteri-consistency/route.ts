import { consistencyResponse } from "@/lib/audit/well-known-consistency";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A consistency proof between two sizes of the audit log's tree (?from=M[&to=N]), JSON. */
export async function GET(request: Request): Promise<Response> {
  return consistencyResponse(new URL(request.url));
}
