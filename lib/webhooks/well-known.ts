/**
 * GET /.well-known/pteri-webhook-key: the public key webhook receivers pin. Public by design
 * (a public key), so any origin may read it; like /.well-known/pteri-log-key.
 */
import { loadConfig, type Config } from "../config/env";
import { problemResponse } from "../http/problem";
import { loadOrCreateWebhookKey, webhookKeyDocument } from "./signing-key";

const PUBLIC = { "access-control-allow-origin": "*" };

export function webhookKeyResponse(config: Pick<Config, "dataDir"> = loadConfig()): Response {
  let document;
  try {
    document = webhookKeyDocument(loadOrCreateWebhookKey(config.dataDir));
  } catch (error) {
    // The reason (a file path) is for the operator's log, not for the internet.
    console.error(`pteri: webhook signing key unavailable: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    return problemResponse({ code: "webhook_key_unavailable", status: 503, title: "Webhook signing key unavailable", detail: "The server cannot read its webhook signing key right now; try again later." }, PUBLIC);
  }
  // The key changes only if an operator replaces the key file; a short cache is safe.
  return Response.json(document, { headers: { ...PUBLIC, "cache-control": "public, max-age=300" } });
}
