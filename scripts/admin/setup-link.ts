import { issueSetupLinkIfNoOperator } from "../../lib/operators/setup-link";
import { AdminUsageError, type AdminCommand } from "./command";

/** For whoever missed the link `npm start` printed: a fresh one, while no operator exists. */
export const setupLink: AdminCommand = {
  name: "setup-link",
  summary: "Print a new one-time link that registers the first administrator (only while no operator exists).",
  usage: "setup-link [--json]",
  async run(args, { config, db }) {
    const unknown = args.filter((a) => a !== "--json");
    if (unknown.length > 0) throw new AdminUsageError(`unknown option ${unknown[0]}; usage: setup-link [--json]`);
    const link = await issueSetupLinkIfNoOperator(db, config.publicUrl, { type: "host", id: "setup-link" });
    if (!link) {
      console.error("pteri admin: operators already exist, so there is no setup link; use `npm run admin -- invite-operator --role admin` instead.");
      return 1;
    }
    if (args.includes("--json")) console.log(JSON.stringify({ url: link.url, expiresAt: link.expiresAt.toISOString() }));
    else {
      console.log(`Open this link to register the first administrator's passkey (single use, valid until ${link.expiresAt.toISOString()}):`);
      console.log(`  ${link.url}`);
      console.log("Earlier setup links no longer work.");
    }
    return 0;
  },
};
