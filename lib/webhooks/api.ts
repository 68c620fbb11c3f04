/** What the webhooks admin API answers beyond the domain calls: the list with the signing key. */
import type { Config } from "../config/env";
import type { Db } from "../db/client";
import { listEndpoints } from "./endpoints";
import { loadOrCreateWebhookKey, webhookKeyDocument } from "./signing-key";
import { WEBHOOK_KEY_PATH, type WebhookList } from "./wire";

export async function webhookList(db: Db, config: Pick<Config, "dataDir" | "publicUrl">): Promise<WebhookList> {
  let signingKey: WebhookList["signingKey"] = null;
  try {
    signingKey = { ...webhookKeyDocument(loadOrCreateWebhookKey(config.dataDir)), url: new URL(WEBHOOK_KEY_PATH, config.publicUrl).href };
  } catch (error) {
    // The list still loads; the page says the key is unavailable and the server log says why.
    console.error(`pteri: webhook signing key unavailable: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  return { endpoints: await listEndpoints(db), signingKey };
}
