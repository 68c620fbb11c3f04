import { writeTransaction } from "../../lib/db/transaction";
import { createInvitation, invitationLink } from "../../lib/operators/invitations";
import { isOperatorError } from "../../lib/operators/errors";
import { INVITATION_MINUTES } from "../../lib/operators/constants";
import { isRole, ROLES, type Role } from "../../lib/operators/roles";
import { operatorNameSchema } from "../../lib/operators/schemas";
import { AdminUsageError, type AdminCommand } from "./command";

const USAGE = "invite-operator --role ROLE [--role ROLE]... [--name NAME] [--expires-in MINUTES] [--json]";

interface Options {
  roles: Role[];
  name?: string;
  minutes: number;
  json: boolean;
}

function parse(args: string[]): Options {
  const options: Options = { roles: [], minutes: INVITATION_MINUTES.default, json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new AdminUsageError(`${arg} needs a value; usage: ${USAGE}`);
      return next;
    };
    if (arg === "--json") options.json = true;
    else if (arg === "--role") {
      const role = value();
      if (!isRole(role)) throw new AdminUsageError(`unknown role "${role}"; roles are ${ROLES.join(", ")}.`);
      options.roles.push(role);
    } else if (arg === "--name") {
      const parsed = operatorNameSchema.safeParse(value());
      if (!parsed.success) throw new AdminUsageError(parsed.error.issues[0]?.message ?? "invalid name");
      options.name = parsed.data;
    } else if (arg === "--expires-in") {
      const minutes = Number(value());
      if (!Number.isInteger(minutes) || minutes < INVITATION_MINUTES.min || minutes > INVITATION_MINUTES.max) {
        throw new AdminUsageError(`--expires-in takes whole minutes from ${INVITATION_MINUTES.min} to ${INVITATION_MINUTES.max}.`);
      }
      options.minutes = minutes;
    } else throw new AdminUsageError(`unknown option ${arg}; usage: ${USAGE}`);
  }
  if (options.roles.length === 0) throw new AdminUsageError(`give at least one --role (${ROLES.join(", ")}); usage: ${USAGE}`);
  return options;
}

/**
 * Break-glass: whoever controls the server can always let someone in, even when no
 * administrator can sign in any more (lost passkeys, last admin disabled by accident).
 */
export const inviteOperator: AdminCommand = {
  name: "invite-operator",
  summary: "Print a one-time invitation link for a new operator with the given roles (break-glass access).",
  usage: USAGE,
  async run(args, { config, db }) {
    const options = parse(args);
    try {
      const { token, invitation } = await writeTransaction(db, (tx) =>
        createInvitation(tx, { type: "host", id: "invite-operator" }, { kind: "invite", roles: options.roles, name: options.name, expiresInMinutes: options.minutes }),
      );
      const url = invitationLink(config.publicUrl, "invite", token);
      if (options.json) {
        console.log(JSON.stringify({ url, id: invitation.id, roles: invitation.roles, name: invitation.name, expiresAt: invitation.expiresAt.toISOString() }));
      } else {
        console.log(`Invitation for ${invitation.roles.join(", ")}${invitation.name ? ` (${invitation.name})` : ""}, single use, valid until ${invitation.expiresAt.toISOString()}:`);
        console.log(`  ${url}`);
        console.log("Send it privately; anyone with the link can register as this operator.");
      }
      return 0;
    } catch (error) {
      if (isOperatorError(error)) throw new AdminUsageError(error.message);
      throw error;
    }
  },
};
