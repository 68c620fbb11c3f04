/**
 * Reading an intent for the machine that owns it (GET /api/v1/intents/:id), and waiting for
 * its decision without busy polling: the server re-reads the row every POLL_MS until the
 * status is no longer pending or the wait is over, then answers the current state. The state
 * lives in the database, so a wait interrupted by a restart is resumed by asking again.
 */
import type { Db } from "../db/client";
import { IntentError } from "./errors";
import { withLazyExpiry } from "./expiry";
import { intentFromRow, type IntentRecord } from "./model";

export const MAX_WAIT_SECONDS = 60;
export const POLL_MS = 500;

const MAX_ID_LENGTH = 64;

function notFound(id: string): IntentError {
  return new IntentError("not_found", `This machine has no intent with the id ${JSON.stringify(id.slice(0, MAX_ID_LENGTH))}.`);
}

/**
 * The intent, when it exists and belongs to `machineId` (otherwise not_found, the same answer
 * either way: no one learns whether another machine's intent exists), expired first if due.
 */
export async function readIntent(db: Db, machineId: string, id: string, now: Date): Promise<IntentRecord> {
  if (id.length === 0 || id.length > MAX_ID_LENGTH) throw notFound(id);
  const row = await db.intent.findFirst({ where: { id, machineId } });
  if (!row) throw notFound(id);
  return withLazyExpiry(db, intentFromRow(row), now);
}

/** `?wait=SECONDS`: absent (no wait) or a whole number from 1 to MAX_WAIT_SECONDS. */
export function parseWait(value: string | null): number {
  if (value === null) return 0;
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WAIT_SECONDS) {
    throw new IntentError("query_invalid", `wait is a whole number of seconds from 1 to ${MAX_WAIT_SECONDS}; leave it out to answer at once.`);
  }
  return Number(value);
}

export interface WaitOptions {
  waitSeconds: number;
  /** The decision clock (expiry). */
  now: () => Date;
  /** Ends the wait early (the client went away). */
  signal?: AbortSignal;
  pollMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Reads the intent; while it is pending, reads it again every pollMs until it is not, or the wait is over. */
export async function waitForIntent(db: Db, machineId: string, id: string, options: WaitOptions): Promise<IntentRecord> {
  const pollMs = options.pollMs ?? POLL_MS;
  const deadline = Date.now() + options.waitSeconds * 1000;
  let intent = await readIntent(db, machineId, id, options.now());
  while (intent.status === "pending" && !options.signal?.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(pollMs, left), options.signal);
    intent = await readIntent(db, machineId, id, options.now());
  }
  return intent;
}
