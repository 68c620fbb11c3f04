import { checkpointResponse } from "@/lib/audit/well-known";

export const dynamic = "force-dynamic";

/** The latest signed checkpoint of the audit log (C2SP tlog-checkpoint, signed note), text/plain. */
export async function GET(): Promise<Response> {
  return checkpointResponse();
}
