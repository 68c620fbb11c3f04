import type { Startup } from "../../lib/config/startup";
import type { Db } from "../../lib/db/client";

/** What every command gets: the prepared host and one database client the dispatcher closes. */
export type AdminHost = Startup & { db: Db };

/** A host administration command: `npm run admin -- NAME [args]`. */
export interface AdminCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], host: AdminHost): Promise<number>;
}

/** An error whose message is shown as one line, with usage where it helps. */
export class AdminUsageError extends Error {
  override name = "AdminUsageError";
}
