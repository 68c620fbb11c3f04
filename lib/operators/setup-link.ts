/**
 * The first administrator's setup link. While no operator exists, `npm start` (and
 * `npm run admin -- setup-link`) issues a fresh one and revokes the older unused ones, so only
 * the most recently printed link works.
 */
import type { AuditActor } from "../audit/entry";
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { SETUP_LINK_MINUTES } from "./constants";
import { createInvitation, invitationLink } from "./invitations";

export interface SetupLink {
  url: string;
  expiresAt: Date;
}

export async function issueSetupLinkIfNoOperator(db: Db, publicUrl: URL, actor: AuditActor, now = new Date()): Promise<SetupLink | null> {
  return writeTransaction(db, async (tx) => {
    if ((await tx.operator.count()) > 0) return null;
    await tx.invitation.updateMany({ where: { kind: "setup", usedAt: null, revokedAt: null }, data: { revokedAt: now } });
    const { token, invitation } = await createInvitation(tx, actor, { kind: "setup", roles: ["admin"], expiresInMinutes: SETUP_LINK_MINUTES }, now);
    return { url: invitationLink(publicUrl, "setup", token), expiresAt: invitation.expiresAt };
  });
}

export async function operatorCount(db: Db): Promise<number> {
  return db.operator.count();
}
