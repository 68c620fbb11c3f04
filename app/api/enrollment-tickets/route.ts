import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { ticketViews } from "@/lib/machines/api";
import { newTicketSchema } from "@/lib/machines/schemas";
import { createEnrollmentTicket, enrollmentCommand, listOpenEnrollmentTickets } from "@/lib/machines/tickets";
import { webContext } from "@/lib/session/context";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("machines.write", async () => {
  const db = getDb();
  return json({ tickets: await ticketViews(db, await listOpenEnrollmentTickets(db)) });
});

/** Creates a ticket; the ticket itself is in this response and nowhere else. */
export const POST = operatorRoute("machines.write", async ({ request, operator }) => {
  const input = await readJson(request, newTicketSchema);
  const db = getDb();
  const { ticket, record } = await writeTransaction(db, (tx) => createEnrollmentTicket(tx, { type: "operator", id: operator.id }, input));
  const [view] = await ticketViews(db, [record]);
  return json({ ticket, command: enrollmentCommand(webContext().config.publicUrl, ticket), ticketView: view }, 201);
});
