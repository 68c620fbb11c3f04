import type { Startup } from "../../lib/config/startup";

/** A host administration command: `npm run admin -- NAME [args]`. */
export interface AdminCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], host: Startup): Promise<number>;
}

/** An error whose message is shown as one line, with usage where it helps. */
export class AdminUsageError extends Error {
  override name = "AdminUsageError";
}
