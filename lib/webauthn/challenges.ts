/**
 * WebAuthn challenges: generated and stored by the server, single use, five minutes, bound to
 * one purpose (and to the operator or invitation they were issued for), so an assertion made
 * for one ceremony can never be replayed into another.
 *
 * Issuing a challenge changes nothing an operator manages, so it is not an audit event (like a
 * machine's nonce); using one is, and is recorded with the change it authorizes.
 */
import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { base64UrlEncode } from "../protocol/encoding";
import { OperatorError } from "../operators/errors";

export type ChallengePurpose = "sign-in" | "register" | "add-passkey" | "approve";
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Open challenges one address may hold; a page reload needs one, a script needs thousands. */
export const MAX_OPEN_CHALLENGES_PER_IP = 30;

export interface ChallengeBinding {
  purpose: ChallengePurpose;
  operatorId?: string;
  invitationId?: string;
  userHandle?: string;
  /** Purpose approve: the intent decided on, and the statement whose SHA-256 is the challenge. */
  intentId?: string;
  statement?: string;
}

export interface StoredChallenge extends ChallengeBinding {
  challenge: string;
  expiresAt: Date;
}

/**
 * `challenge` is random unless the ceremony derives it from what is signed (an approval's is
 * the hash of its statement, which carries a random nonce).
 */
export async function issueChallenge(db: Db, binding: ChallengeBinding, ip: string, now = new Date(), challenge = base64UrlEncode(randomBytes(32))): Promise<StoredChallenge> {
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  await db.$transaction(async (tx) => {
    // Writing first takes SQLite's write lock up front (see lib/db/transaction.ts), and keeps
    // the table small: expired challenges are useless.
    await tx.webAuthnChallenge.deleteMany({ where: { expiresAt: { lte: now } } });
    const open = await tx.webAuthnChallenge.count({ where: { ip, usedAt: null, expiresAt: { gt: now } } });
    if (open >= MAX_OPEN_CHALLENGES_PER_IP) {
      throw new OperatorError("rate_limited", "Too many passkey prompts were opened from this address; wait a few minutes and try again.", {
        retryAfterSeconds: Math.ceil(CHALLENGE_TTL_MS / 1000),
      });
    }
    await tx.webAuthnChallenge.create({ data: { challenge, ...binding, ip, expiresAt, createdAt: now } });
  });
  return { challenge, expiresAt, ...binding };
}

/** Reads a challenge that is still usable for `purpose`, without using it up. */
export async function findOpenChallenge(db: Db | Tx, challenge: string, purpose: ChallengePurpose, now = new Date()): Promise<StoredChallenge | null> {
  const row = await db.webAuthnChallenge.findUnique({ where: { challenge } });
  if (!row || row.purpose !== purpose || row.usedAt || row.expiresAt <= now) return null;
  return {
    challenge: row.challenge,
    purpose,
    expiresAt: row.expiresAt,
    operatorId: row.operatorId ?? undefined,
    invitationId: row.invitationId ?? undefined,
    userHandle: row.userHandle ?? undefined,
    intentId: row.intentId ?? undefined,
    statement: row.statement ?? undefined,
  };
}

/**
 * Uses the challenge up, atomically: a conditional update that only one transaction can win,
 * so two concurrent requests answering the same challenge cannot both succeed.
 */
export async function consumeChallenge(tx: WriteTx, challenge: string, purpose: ChallengePurpose, now = new Date()): Promise<void> {
  const { count } = await tx.webAuthnChallenge.updateMany({
    where: { challenge, purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw new OperatorError("challenge_invalid", "This passkey prompt expired or was already used; start again.");
}

/** Marks a challenge used after a failed attempt, so a failed answer cannot be retried. */
export async function burnChallenge(tx: WriteTx, challenge: string, now = new Date()): Promise<void> {
  await tx.webAuthnChallenge.updateMany({ where: { challenge, usedAt: null }, data: { usedAt: now } });
}
