/**
 * Browser sessions. The cookie is a next-auth JWT (signed and encrypted with the data
 * directory's session secret) naming an OperatorSession row and the operator's session version.
 * Every request re-checks that row and the operator, so sign-out, disabling an operator,
 * removing one of their roles or the passkey they signed in with ends the session at once,
 * not when the cookie expires.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db, Tx } from "../db/client";
import { writeTransaction, type WriteTx } from "../db/transaction";
import { OPERATOR_EVENTS } from "./audit-events";
import { SESSION_MAX_AGE_SECONDS } from "./constants";
import { parseRoles, type Role } from "./roles";
import { randomId } from "./tokens";

/** What the session cookie carries (besides next-auth's own iat/exp/jti). */
export interface SessionClaims {
  sub: string;
  sid: string;
  sv: number;
}

export interface CurrentOperator {
  id: string;
  name: string;
  roles: Role[];
  sessionId: string;
}

export interface NewSession {
  operatorId: string;
  passkeyId: string;
  ip: string;
  userAgent: string;
}

export async function createSession(tx: WriteTx, input: NewSession, now = new Date()): Promise<{ id: string; expiresAt: Date }> {
  const id = randomId(24);
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await tx.operatorSession.create({
    data: { id, operatorId: input.operatorId, passkeyId: input.passkeyId, ip: input.ip, userAgent: input.userAgent.slice(0, 300), createdAt: now, expiresAt },
  });
  return { id, expiresAt };
}

export function isSessionClaims(value: unknown): value is SessionClaims {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.sub === "string" && typeof v.sid === "string" && typeof v.sv === "number";
}

/** The signed-in operator, or null when the session ended for any reason. */
export async function resolveSession(db: Db | Tx, claims: SessionClaims, now = new Date()): Promise<CurrentOperator | null> {
  const session = await db.operatorSession.findUnique({ where: { id: claims.sid }, include: { operator: true } });
  if (!session || session.revokedAt || session.expiresAt <= now || session.operatorId !== claims.sub) return null;
  const { operator } = session;
  if (operator.status !== "active" || operator.sessionVersion !== claims.sv) return null;
  const roles = parseRoles(operator.roles);
  if (roles.length === 0) return null;
  return { id: operator.id, name: operator.name, roles, sessionId: session.id };
}

/** Ends a session on sign-out; a session that already ended is left as it is. */
export async function endSession(db: Db, claims: SessionClaims, now = new Date()): Promise<boolean> {
  return writeTransaction(db, async (tx) => {
    const { count } = await tx.operatorSession.updateMany({ where: { id: claims.sid, operatorId: claims.sub, revokedAt: null }, data: { revokedAt: now } });
    if (count !== 1) return false;
    await recordAuditEvent(tx, {
      type: OPERATOR_EVENTS.signedOut,
      actor: { type: "operator", id: claims.sub },
      subjects: { operator: claims.sub },
      summary: "Signed out.",
      evidence: { session: claims.sid },
      time: now,
    });
    return true;
  });
}
