/**
 * Expiring intents on a schedule, so a pending intent past its deadline is `expired` (with its
 * audit entry) even when nobody reads it. Reads expire lazily too (lib/intents/read.ts); this
 * closes the gap for intents nobody asks about. Started by instrumentation.ts; several
 * instances may all run it: each expiry is a conditional update under the write lock.
 */
import { getDb, type Db } from "../db/client";
import { EXPIRE_BATCH, expireIntents } from "./expiry";

export const INTENT_EXPIRY_INTERVAL_MS = 30_000;

/** One round: expire in batches until nothing is left. */
export async function expireDueIntents(db: Db, now = new Date(), batch = EXPIRE_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const { expired, more } = await expireIntents(db, now, batch);
    total += expired;
    if (!more) return total;
  }
}

/** The server's schedule; called once per process by instrumentation.ts. The timer never keeps the process alive. */
export function startServerIntentExpiry(): void {
  const marker = globalThis as unknown as { pteriIntentExpiry?: NodeJS.Timeout };
  if (marker.pteriIntentExpiry) return; // dev reloads call register() again
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await expireDueIntents(getDb());
    } catch (error) {
      console.error(`pteri: intent expiry failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    } finally {
      running = false;
    }
  };
  marker.pteriIntentExpiry = setInterval(() => void tick(), INTENT_EXPIRY_INTERVAL_MS);
  marker.pteriIntentExpiry.unref();
}
