/**
 * Housekeeping that request authentication runs lazily, at most once per minute per process
 * and database client: write the `auth.failures` entries of closed windows, and purge
 * expired nonces. Both are also exported for a scheduler (runAuthMaintenance), and both are
 * safe to run on every instance at once: each step is one write transaction.
 */
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { FAILURE_WINDOW_MS, flushAuthFailures } from "./failures";
import { hasExpiredNonces, purgeExpiredNonces } from "./nonces";

export interface MaintenanceReport {
  failureEntries: number;
  noncesPurged: number;
}

export async function runAuthMaintenance(db: Db, now: Date = new Date()): Promise<MaintenanceReport> {
  const failureEntries = await flushAuthFailures(db, now);
  const noncesPurged = (await hasExpiredNonces(db, now)) ? await writeTransaction(db, (tx) => purgeExpiredNonces(tx, now)) : 0;
  return { failureEntries, noncesPurged };
}

// Keyed by client so that two clients in one process (tests, a second "instance") keep
// separate schedules, and a discarded client's state goes with it.
const lastRun = new WeakMap<Db, number>();

/** Runs maintenance when this client has not run it in the current minute window. */
export async function maybeRunAuthMaintenance(db: Db, nowMs: number): Promise<void> {
  const window = Math.floor(nowMs / FAILURE_WINDOW_MS);
  if (lastRun.get(db) === window) return;
  lastRun.set(db, window);
  try {
    await runAuthMaintenance(db, new Date(nowMs));
  } catch (error) {
    // Housekeeping must not turn into refused requests; the next window retries.
    console.error(`pteri: auth maintenance failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
}
