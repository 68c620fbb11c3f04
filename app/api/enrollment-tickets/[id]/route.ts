import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { MachineError } from "@/lib/machines/errors";
import { ticketViews } from "@/lib/machines/api";
import { findEnrollmentTicket, revokeEnrollmentTicket } from "@/lib/machines/tickets";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** The enrollment dialog polls this until the machine has used the ticket. */
export const GET = operatorRoute("machines.write", async ({ params }) => {
  const db = getDb();
  const ticket = await findEnrollmentTicket(db, params.id ?? "");
  if (!ticket) throw new MachineError("ticket_not_found", "There is no enrollment ticket with that id.");
  const [view] = await ticketViews(db, [ticket]);
  return json({ ticket: view });
});

export const DELETE = operatorRoute("machines.write", async ({ operator, params }) => {
  const db = getDb();
  const ticket = await writeTransaction(db, (tx) => revokeEnrollmentTicket(tx, { type: "operator", id: operator.id }, params.id ?? ""));
  const [view] = await ticketViews(db, [ticket]);
  return json({ ticket: view });
});
