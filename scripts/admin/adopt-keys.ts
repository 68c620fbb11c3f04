import { adoptKeyFingerprints, dataDirKeyFingerprints, KEY_FILES } from "../../lib/config/instance-keys";
import { LOG_KEY_FILE } from "../../lib/audit/log-key";
import { writeTransaction } from "../../lib/db/transaction";
import { AdminUsageError, type AdminCommand } from "./command";

/**
 * When a key file is truly lost (no instance and no backup holds it): makes this data
 * directory's key files the ones the database expects, so this instance may start and every
 * instance holding the old files is refused until it gets these. Recorded in the audit log.
 */
export const adoptKeys: AdminCommand = {
  name: "adopt-keys",
  summary: "Make this data directory's key files the ones the database expects (when a key is truly lost). Recorded in the audit log.",
  usage: "adopt-keys [--json]",
  // It settles the refusal that check gives, so it must run while the check fails.
  checkKeys: false,
  async run(args, { config, db }) {
    const unknown = args.find((a) => a !== "--json");
    if (unknown !== undefined) throw new AdminUsageError(`unknown option ${JSON.stringify(unknown)}. Usage: npm run admin -- adopt-keys [--json]`);
    const fingerprints = dataDirKeyFingerprints(config.dataDir);
    const adoption = await writeTransaction(db, (tx) => adoptKeyFingerprints(tx, fingerprints));
    if (args.includes("--json")) {
      console.log(JSON.stringify(adoption, null, 2));
      return 0;
    }
    if (adoption.changed.length === 0) {
      console.log(`The database already expects the key files in ${config.dataDir}; nothing changed.`);
      return 0;
    }
    console.log(`The database now expects the key files in ${config.dataDir}:`);
    for (const file of KEY_FILES) {
      const before = adoption.previous?.[file] ?? "(none recorded)";
      console.log(`  ${file.padEnd(24)} ${adoption.changed.includes(file) ? `${before} -> ${fingerprints[file]}` : "unchanged"}`);
    }
    console.log("Copy these files to every other instance's data directory before it starts again (docs/deployment.md#several-console-instances-on-postgresql).");
    if (adoption.changed.includes(LOG_KEY_FILE)) {
      console.log("The log's public key changed: publish the new vkey (Settings page, /.well-known/pteri-log-key) to everyone who pinned the old one.");
    }
    return 0;
  },
};
