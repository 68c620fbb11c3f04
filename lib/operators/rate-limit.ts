/**
 * Rate limits kept in the database, so they hold across every Console instance. Fixed windows:
 * simple, one row per key and window, and an attacker gets at most twice the limit across a
 * window boundary, which is still far too few tries to matter against a passkey or a
 * 256-bit token. Only failures are counted, so a legitimate operator is never locked out by
 * their own successful sign-ins.
 */
import type { Db, Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { OperatorError } from "./errors";

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
  /** What the refusal tells people, e.g. "failed sign-ins from this address". */
  what: string;
}

const TEN_MINUTES = 10 * 60_000;

export const LIMITS = {
  signInFailuresPerIp: (ip: string): Limit => ({ key: `sign-in-failure:ip:${ip}`, max: 20, windowMs: TEN_MINUTES, what: "failed sign-ins from this address" }),
  signInFailuresPerCredential: (credentialId: string): Limit => ({
    key: `sign-in-failure:credential:${credentialId}`,
    max: 5,
    windowMs: TEN_MINUTES,
    what: "failed sign-ins with this passkey",
  }),
  tokenFailuresPerIp: (ip: string): Limit => ({ key: `token-failure:ip:${ip}`, max: 10, windowMs: TEN_MINUTES, what: "invalid setup or invitation links from this address" }),
};

export function windowStart(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/** Refuses with rate_limited (HTTP 429) when any of the limits is used up in its current window. */
export async function assertWithinLimits(db: Db | Tx, limits: Limit[], now = new Date()): Promise<void> {
  for (const limit of limits) {
    const start = windowStart(now, limit.windowMs);
    const row = await db.rateLimitCounter.findUnique({ where: { key_windowStart: { key: limit.key, windowStart: start } } });
    if (row && row.count >= limit.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((start.getTime() + limit.windowMs - now.getTime()) / 1000));
      throw new OperatorError("rate_limited", `Too many ${limit.what}; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`, {
        retryAfterSeconds,
      });
    }
  }
}

/** Counts one event against a limit (inside the caller's transaction); returns the new count. */
export async function countEvent(tx: WriteTx, limit: Pick<Limit, "key" | "windowMs">, now = new Date()): Promise<number> {
  const start = windowStart(now, limit.windowMs);
  const row = await tx.rateLimitCounter.upsert({
    where: { key_windowStart: { key: limit.key, windowStart: start } },
    create: { key: limit.key, windowStart: start, count: 1 },
    update: { count: { increment: 1 } },
  });
  // Old windows only take space; a day is longer than any window in use.
  if (row.count === 1) await tx.rateLimitCounter.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - 86_400_000) } } });
  return row.count;
}
