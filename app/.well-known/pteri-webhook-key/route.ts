import { webhookKeyResponse } from "@/lib/webhooks/well-known";

export const dynamic = "force-dynamic";

/** PTERI's webhook signing key: JSON {keyId, fingerprint, publicJwk, alg, tag}. */
export async function GET(): Promise<Response> {
  return webhookKeyResponse();
}
