/**
 * Invitations and the first administrator's setup link: one-time tokens that let someone
 * register a passkey and become an operator with the roles the link carries. The token is
 * returned once; the database keeps its SHA-256. Using one is a conditional update inside the
 * write transaction that creates the operator, so a link works exactly once.
 */
import type { AuditActor } from "../audit/entry";
import { recordAuditEvent } from "../audit/log";
import type { Db, Tx } from "../db/client";
import type { WriteTx } from "../db/transaction";
import { OPERATOR_EVENTS } from "./audit-events";
import { INVITATION_MINUTES } from "./constants";
import { OperatorError } from "./errors";
import { normalizeRoles, parseRoles, serializeRoles, type Role } from "./roles";
import { hashToken, isTokenShaped, issueToken } from "./tokens";

export type InvitationKind = "setup" | "invite";

export interface InvitationRecord {
  id: string;
  kind: InvitationKind;
  tokenPrefix: string;
  roles: Role[];
  name: string | null;
  expiresAt: Date;
  createdAt: Date;
  createdBy: AuditActor;
}

type InvitationRow = NonNullable<Awaited<ReturnType<Tx["invitation"]["findUnique"]>>>;

export function toInvitationRecord(row: InvitationRow): InvitationRecord {
  return {
    id: row.id,
    kind: row.kind === "setup" ? "setup" : "invite",
    tokenPrefix: row.tokenPrefix,
    roles: parseRoles(row.roles),
    name: row.name,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    createdBy: { type: row.createdByType as AuditActor["type"], id: row.createdById },
  };
}

/** The link people open. A fragment, not a query: browsers never send it to the server, so the
 * token stays out of access logs, proxies and Referer headers. */
export function invitationLink(publicUrl: URL, kind: InvitationKind, token: string): string {
  return `${publicUrl.href.replace(/\/$/, "")}/${kind === "setup" ? "setup" : "invite"}#token=${token}`;
}

export interface NewInvitation {
  kind: InvitationKind;
  roles: Role[];
  name?: string | null;
  expiresInMinutes: number;
}

export async function createInvitation(tx: WriteTx, actor: AuditActor, input: NewInvitation, now = new Date()): Promise<{ token: string; invitation: InvitationRecord }> {
  const roles = normalizeRoles(input.roles);
  if (roles.length === 0) throw new OperatorError("invalid_request", "Choose at least one role for the invitation.");
  const minutes = input.expiresInMinutes;
  if (!Number.isInteger(minutes) || minutes < INVITATION_MINUTES.min || minutes > INVITATION_MINUTES.max) {
    throw new OperatorError("invalid_request", `An invitation must expire in ${INVITATION_MINUTES.min} minutes to 30 days.`);
  }
  const issued = issueToken();
  const row = await tx.invitation.create({
    data: {
      tokenHash: issued.hash,
      tokenPrefix: issued.prefix,
      kind: input.kind,
      roles: serializeRoles(roles),
      name: input.name?.trim() || null,
      expiresAt: new Date(now.getTime() + minutes * 60_000),
      createdAt: now,
      createdByType: actor.type,
      createdById: actor.id,
    },
  });
  const invitation = toInvitationRecord(row);
  await recordAuditEvent(tx, {
    type: input.kind === "setup" ? OPERATOR_EVENTS.setupLinkIssued : OPERATOR_EVENTS.invitationCreated,
    actor,
    summary:
      input.kind === "setup"
        ? `First administrator setup link ${issued.prefix}… issued, valid ${minutes} minutes.`
        : `Invitation ${issued.prefix}… created for ${roles.join(", ")}, valid ${minutes} minutes.`,
    evidence: { invitationId: row.id, tokenPrefix: issued.prefix, tokenHash: issued.hash, roles, name: invitation.name, expiresAt: row.expiresAt.toISOString() },
    time: now,
  });
  return { token: issued.token, invitation };
}

export async function revokeInvitation(tx: WriteTx, actor: AuditActor, id: string, now = new Date()): Promise<void> {
  const row = await tx.invitation.findUnique({ where: { id } });
  const { count } = await tx.invitation.updateMany({ where: { id, kind: "invite", usedAt: null, revokedAt: null }, data: { revokedAt: now } });
  if (!row || count !== 1) throw new OperatorError("not_found", "There is no pending invitation with that id.");
  await recordAuditEvent(tx, {
    type: OPERATOR_EVENTS.invitationRevoked,
    actor,
    summary: `Invitation ${row.tokenPrefix}… revoked.`,
    evidence: { invitationId: id, tokenPrefix: row.tokenPrefix },
    time: now,
  });
}

export async function listPendingInvitations(db: Db | Tx, now = new Date()): Promise<InvitationRecord[]> {
  const rows = await db.invitation.findMany({
    where: { kind: "invite", usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toInvitationRecord);
}

/**
 * Finds the invitation a token names and says precisely why it cannot be used. Only the holder
 * of a real token can learn "expired" or "used"; a forged token only ever gets "invalid".
 */
export async function findUsableInvitation(db: Db | Tx, token: unknown, now = new Date()): Promise<InvitationRecord> {
  const row = isTokenShaped(token) ? await db.invitation.findUnique({ where: { tokenHash: hashToken(token) } }) : null;
  if (!row) throw new OperatorError("token_invalid", "This link is not valid. Check that you copied all of it, or ask an administrator for a new one.");
  if (row.usedAt) throw new OperatorError("token_used", "This link was already used. Ask an administrator for a new invitation.");
  if (row.revokedAt) throw new OperatorError("token_revoked", "This link was revoked. Ask an administrator for a new invitation.");
  if (row.expiresAt <= now) throw new OperatorError("token_expired", "This link has expired. Ask an administrator for a new invitation.");
  return toInvitationRecord(row);
}

/** Uses the invitation up: only one transaction can win the conditional update. */
export async function consumeInvitation(tx: WriteTx, id: string, operatorId: string, now = new Date()): Promise<void> {
  const { count } = await tx.invitation.updateMany({
    where: { id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now, usedById: operatorId },
  });
  if (count !== 1) throw new OperatorError("token_used", "This link was used, revoked or expired a moment ago. Ask an administrator for a new one.");
}
