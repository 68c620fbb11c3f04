// npm run admin -- COMMAND [args]: host administration for whoever controls the server.
// Reads the same configuration and database as the Console (and migrates it first, except
// for the configOnly commands such as db-backup, which must see the database as it is), and
// checks that the data directory's key files are the database's (except adopt-keys, which fixes that).
import { ConfigError, loadConfig } from "../lib/config/env";
import { prepareHost } from "../lib/config/startup";
import { createDb } from "../lib/db/client";
import { AdminUsageError, type AdminCommand } from "./admin/command";
import { dbStatus } from "./admin/db-status";
import { dbBackup } from "./admin/db-backup";
import { inviteOperator } from "./admin/invite-operator";
import { setupLink } from "./admin/setup-link";
import { auditCheckpoint } from "./admin/audit-checkpoint";
import { auditExport } from "./admin/audit-export";
import { adoptKeys } from "./admin/adopt-keys";
import { machineRegister } from "./admin/machine-register";
import { enrollmentTicket } from "./admin/enrollment-ticket";

const COMMANDS: AdminCommand[] = [dbStatus, dbBackup, enrollmentTicket, machineRegister, auditCheckpoint, auditExport, inviteOperator, setupLink, adoptKeys];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: npm run admin -- COMMAND [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `npm run admin -- COMMAND --help` for a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`pteri admin: unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`Usage: npm run admin -- ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  if (command.configOnly) return command.run(args, loadConfig());
  const host = await prepareHost(process.env, { checkKeys: command.checkKeys !== false });
  const db = createDb(host.config.databaseUrl);
  try {
    return await command.run(args, { ...host, db });
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof AdminUsageError) console.error(`pteri admin: ${error.message}`);
    else console.error(`pteri admin: failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    process.exit(1);
  },
);
