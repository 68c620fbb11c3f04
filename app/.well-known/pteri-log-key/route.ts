import { logKeyResponse } from "@/lib/audit/well-known";

export const dynamic = "force-dynamic";

/** The audit log's public key: JSON {origin, vkey, publicJwk, keyId}, or `?format=vkey` as text. */
export async function GET(request: Request): Promise<Response> {
  return logKeyResponse(new URL(request.url));
}
