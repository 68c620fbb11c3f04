/**
 * The server's webhook dispatcher: every 2 s, sends what is due (dispatch.ts). Started by
 * instrumentation.ts next to the intent expiry; several instances may all run it, since each
 * attempt is claimed by a conditional update first.
 */
import { loadConfig } from "../config/env";
import { getDb } from "../db/client";
import { dispatchDue, DISPATCH_BATCH } from "./dispatch";
import { loadOrCreateWebhookKey } from "./signing-key";

export const WEBHOOK_DISPATCH_INTERVAL_MS = 2_000;

/** Called once per process by instrumentation.ts. The timer never keeps the process alive. */
export function startWebhookDispatcher(): void {
  const marker = globalThis as unknown as { pteriWebhookDispatcher?: NodeJS.Timeout };
  if (marker.pteriWebhookDispatcher) return; // dev reloads call register() again
  let running = false;
  let lastError = "";
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const key = loadOrCreateWebhookKey(loadConfig().dataDir);
      // A full batch means more may be due: keep going rather than wait for the next tick.
      while ((await dispatchDue(getDb(), { key })).attempted === DISPATCH_BATCH);
      lastError = "";
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      // Once per distinct problem, not every 2 s.
      if (message !== lastError) console.error(`pteri: webhook delivery failed: ${message}`);
      lastError = message;
    } finally {
      running = false;
    }
  };
  marker.pteriWebhookDispatcher = setInterval(() => void tick(), WEBHOOK_DISPATCH_INTERVAL_MS);
  marker.pteriWebhookDispatcher.unref();
}
