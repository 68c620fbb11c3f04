import type { Config } from "../../lib/config/env";
import type { Startup } from "../../lib/config/startup";
import type { Db } from "../../lib/db/client";

/** What every command gets: the prepared host and one database client the dispatcher closes. */
export type AdminHost = Startup & { db: Db };

/** A host administration command: `npm run admin -- NAME [args]`. */
export type AdminCommand = HostCommand | ConfigOnlyCommand;

interface CommandInfo {
  name: string;
  summary: string;
  usage: string;
}

/** The usual command: runs after prepareHost() (secrets created, migrations applied), with a client. */
export interface HostCommand extends CommandInfo {
  configOnly?: false;
  /**
   * False skips prepareHost's check that the data directory's key files are the ones the
   * database records (lib/config/instance-keys.ts): only adopt-keys, which settles its refusal.
   */
  checkKeys?: false;
  run(args: string[], host: AdminHost): Promise<number>;
}

/**
 * A command that must see the database as it is: it gets only the validated configuration, and
 * nothing is created or migrated first (db-backup: a backup taken before an upgrade must hold
 * the old schema, and a PostgreSQL URL gets its own answer instead of a failed migration).
 */
export interface ConfigOnlyCommand extends CommandInfo {
  configOnly: true;
  run(args: string[], config: Config): Promise<number>;
}

/** An error whose message is shown as one line, with usage where it helps. */
export class AdminUsageError extends Error {
  override name = "AdminUsageError";
}
