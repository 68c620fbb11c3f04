import { machineRoute } from "@/lib/auth/machine-route";
import { authProblemResponse } from "@/lib/auth/problems";
import { writeTransaction } from "@/lib/db/transaction";
import { MachineError } from "@/lib/machines/errors";
import { newTicketSchema } from "@/lib/machines/schemas";
import { validatePermissions } from "@/lib/machines/validate";
import { createEnrollmentTicket, enrollmentCommand } from "@/lib/machines/tickets";
import { ticketView } from "@/lib/machines/view";
import { utf8Decode } from "@/lib/protocol/encoding";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Provisioning bots (machine permission machines.enroll) create tickets for the machines they build. */
export const POST = machineRoute("machines.enroll", async ({ auth, deps }) => {
  let body: unknown;
  try {
    body = JSON.parse(utf8Decode(auth.body));
  } catch {
    throw new MachineError("body_invalid", "The body must be JSON: the new machine's name, tags, owner, environment and so on.");
  }
  const parsed = newTicketSchema.safeParse(body);
  if (!parsed.success) throw new MachineError("body_invalid", parsed.error.issues[0]?.message ?? "The body does not describe a machine.");
  // A bot hands out no more than it holds: only an operator grants permissions it lacks.
  const beyond = validatePermissions(parsed.data.permissions).filter((p) => !auth.machine.permissions.includes(p));
  if (beyond.length > 0) {
    return authProblemResponse("machine_permission_missing", `A machine can only put permissions it holds itself on a ticket; it lacks ${beyond.join(", ")}.`);
  }
  const { ticket, record } = await writeTransaction(deps.db, (tx) => createEnrollmentTicket(tx, { type: "machine", id: auth.keyId }, parsed.data, new Date(deps.now())));
  return Response.json(
    { ticket, command: enrollmentCommand(deps.config.publicUrl, ticket), ticketView: ticketView(record) },
    { status: 201, headers: { "cache-control": "no-store" } },
  );
});
