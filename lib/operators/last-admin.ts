/**
 * The Console must always keep one active administrator who can sign in, or nobody could manage
 * operators any more (short of the host's break-glass command). Checked inside the write
 * transaction that would break it, so two admins demoting each other at once cannot both win:
 * write transactions are serialized (lib/db/transaction.ts).
 */
import type { WriteTx } from "../db/transaction";
import { OperatorError } from "./errors";
import { parseRoles } from "./roles";

export async function assertAnotherActiveAdmin(tx: WriteTx, operatorId: string, change: string): Promise<void> {
  const others = await tx.operator.findMany({
    where: { status: "active", id: { not: operatorId }, roles: { contains: '"admin"' } },
    select: { roles: true },
  });
  if (!others.some((o) => parseRoles(o.roles).includes("admin"))) {
    throw new OperatorError("last_admin", `This is the last active administrator; ${change}. Give another operator the admin role first.`);
  }
}
