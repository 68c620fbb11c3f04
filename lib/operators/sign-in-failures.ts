/**
 * Failed sign-ins: counted against the rate limits, and written to the audit log aggregated,
 * like failed machine requests: the 1st, 10th, 100th… failure of one kind (reason and enrolled
 * passkey) within a minute gets an entry, so a flood of bad attempts cannot flood the log while
 * its size still shows. Unknown credential ids share one bucket, so they cannot either.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { burnChallenge } from "../webauthn/challenges";
import { OPERATOR_EVENTS } from "./audit-events";
import { countEvent, LIMITS } from "./rate-limit";

export interface SignInFailure {
  reason: string;
  challenge: string | null;
  /** Only when it names an enrolled passkey. */
  credentialId: string | null;
  operatorId: string | null;
  ip: string;
  evidence: Record<string, string>;
  now: Date;
}

function isPowerOfTen(n: number): boolean {
  return n >= 1 && 10 ** Math.round(Math.log10(n)) === n;
}

export async function recordSignInFailure(db: Db, failure: SignInFailure): Promise<void> {
  const { now } = failure;
  await writeTransaction(db, async (tx) => {
    // A challenge answered wrongly is used up: the same prompt cannot be retried.
    if (failure.challenge) await burnChallenge(tx, failure.challenge, now);
    await countEvent(tx, LIMITS.signInFailuresPerIp(failure.ip), now);
    if (failure.credentialId) await countEvent(tx, LIMITS.signInFailuresPerCredential(failure.credentialId), now);
    const count = await countEvent(tx, { key: `sign-in-failure-log:${failure.reason}:${failure.credentialId ?? "-"}`, windowMs: 60_000 }, now);
    if (!isPowerOfTen(count)) return;
    await recordAuditEvent(tx, {
      type: OPERATOR_EVENTS.signInFailed,
      actor: { type: "system", id: "pteri" },
      subjects: failure.operatorId ? { operator: failure.operatorId } : {},
      summary:
        count === 1
          ? `Sign-in failed (${failure.reason}).`
          : `Sign-in failed (${failure.reason}) for the ${count}th time this minute; only every tenfold count is logged.`,
      evidence: { reason: failure.reason, countThisMinute: count, ip: failure.ip, ...failure.evidence },
      time: now,
    });
  });
}
