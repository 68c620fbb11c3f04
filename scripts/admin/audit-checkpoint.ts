import { createCheckpoint } from "../../lib/audit/checkpoint-store";
import { getLogIdentity } from "../../lib/audit/log-identity";
import { base64Encode } from "../../lib/protocol/encoding";
import { AdminUsageError, type AdminCommand } from "./command";

/** Signs a checkpoint of the current log head now (the Console also does every minute). */
export const auditCheckpoint: AdminCommand = {
  name: "audit-checkpoint",
  summary: "Sign a checkpoint of the audit log now and print it (a C2SP signed note).",
  usage: "audit-checkpoint [--json]",
  async run(args, { config, db }) {
    const unknown = args.find((a) => a !== "--json");
    if (unknown !== undefined) throw new AdminUsageError(`unknown option ${JSON.stringify(unknown)}. Usage: npm run admin -- audit-checkpoint [--json]`);
    const identity = await getLogIdentity(db, config);
    const checkpoint = await createCheckpoint(db, identity);
    if (args.includes("--json")) {
      const { size, note, created, createdAt } = checkpoint;
      console.log(JSON.stringify({ origin: identity.origin, vkey: identity.vkey, size, rootHash: base64Encode(checkpoint.rootHash), created, createdAt, note }, null, 2));
    } else {
      console.error(checkpoint.created ? `pteri admin: signed a checkpoint at size ${checkpoint.size}` : `pteri admin: the log has not grown; the latest checkpoint (size ${checkpoint.size}) still holds`);
      process.stdout.write(checkpoint.note);
    }
    return 0;
  },
};
