import { parseArgs } from "node:util";
import { writeTransaction } from "../../lib/db/transaction";
import { MachineError } from "../../lib/machines/errors";
import { createEnrollmentTicket, enrollmentCommand, TICKET_MINUTES } from "../../lib/machines/tickets";
import { AdminUsageError, type AdminCommand } from "./command";

const USAGE =
  "enrollment-ticket --name NAME [--description TEXT] [--tag TAG]... [--owner OWNER] [--environment ENV] [--permission P]... [--no-confirm] [--expires-in MINUTES] [--json]";

function options(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      options: {
        name: { type: "string" },
        description: { type: "string" },
        tag: { type: "string", multiple: true },
        owner: { type: "string" },
        environment: { type: "string" },
        permission: { type: "string", multiple: true },
        "no-confirm": { type: "boolean" },
        "expires-in": { type: "string" },
        json: { type: "boolean" },
      },
    }).values;
  } catch (error) {
    throw new AdminUsageError(`${error instanceof Error ? error.message.split("\n")[0] : String(error)} Usage: npm run admin -- ${USAGE}`);
  }
}

function minutes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,5}$/.test(value)) throw new AdminUsageError(`--expires-in is a number of minutes (${TICKET_MINUTES.min} to ${TICKET_MINUTES.max}), got ${JSON.stringify(value)}.`);
  return Number(value);
}

/**
 * A one-time enrollment ticket for provisioning scripts: the machine runs the printed
 * `pteri enroll` command. With --no-confirm the machine is active as soon as it enrolls
 * (the script vouches for it); otherwise an operator confirms its fingerprint in the Console.
 */
export const enrollmentTicket: AdminCommand = {
  name: "enrollment-ticket",
  summary: "Create a one-time enrollment ticket and print it with the `pteri enroll` command to run on the machine.",
  usage: USAGE,
  async run(args, { config, db }) {
    const values = options(args);
    if (!values.name) throw new AdminUsageError(`--name is required. Usage: npm run admin -- ${USAGE}`);
    try {
      const { ticket, record } = await writeTransaction(db, (tx) =>
        createEnrollmentTicket(tx, { type: "host", id: "enrollment-ticket" }, {
          name: values.name,
          description: values.description,
          tags: values.tag ?? [],
          owner: values.owner,
          environment: values.environment,
          permissions: values.permission ?? [],
          requireConfirmation: !values["no-confirm"],
          expiresInMinutes: minutes(values["expires-in"]),
        }),
      );
      const command = enrollmentCommand(config.publicUrl, ticket);
      if (values.json) {
        console.log(JSON.stringify({ ticket, command, id: record.id, name: record.name, expiresAt: record.expiresAt.toISOString(), requireConfirmation: record.requireConfirmation, permissions: record.permissions }, null, 2));
      } else {
        console.log(`Enrollment ticket for machine "${record.name}", valid until ${record.expiresAt.toISOString()} (one use):`);
        console.log("");
        console.log(`  ${command}`);
        console.log("");
        console.log(record.requireConfirmation ? "The machine stays pending until an operator confirms its fingerprint in the Console (Machines)." : "The machine is active as soon as it enrolls (--no-confirm).");
      }
      return 0;
    } catch (error) {
      if (error instanceof MachineError) {
        console.error(`pteri admin: enrollment-ticket: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
};
