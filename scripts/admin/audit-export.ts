import fs from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import { exportAuditLog, ExportRangeError, resolveExportRange } from "../../lib/audit/export";
import { getLogIdentity } from "../../lib/audit/log-identity";
import { AdminUsageError, type AdminCommand } from "./command";

const USAGE = "audit-export [--from SEQ] [--to SEQ] [--out FILE]";

function seq(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw new AdminUsageError(`${flag} must be an entry number (seq), got ${JSON.stringify(value)}. Usage: npm run admin -- ${USAGE}`);
  return Number(value);
}

/**
 * Streams the audit log as JSONL (docs/audit.md) to stdout or a file, batch by batch, so a
 * log of millions of entries exports in constant memory. Read-only: not an audit event.
 */
export const auditExport: AdminCommand = {
  name: "audit-export",
  summary: "Export the audit log as JSONL (entries, keys, a signed checkpoint, proofs) for `pteri audit verify`.",
  usage: USAGE,
  async run(args, { config, db }) {
    let values: { from?: string; to?: string; out?: string };
    try {
      ({ values } = parseArgs({ args, options: { from: { type: "string" }, to: { type: "string" }, out: { type: "string" } }, strict: true }));
    } catch (error) {
      throw new AdminUsageError(`${error instanceof Error ? error.message.split("\n")[0] : String(error)} Usage: npm run admin -- ${USAGE}`);
    }
    const range = await resolveExportRange(db, seq(values.from, "--from"), seq(values.to, "--to")).catch((error: unknown) => {
      throw error instanceof ExportRangeError ? new AdminUsageError(error.message) : error;
    });
    const identity = await getLogIdentity(db, config);
    const out = values.out ? fs.createWriteStream(values.out) : process.stdout;
    await writeLines(exportAuditLog(db, identity, range), out);
    if (values.out) console.error(`pteri admin: exported entries ${range.from} to ${range.to} to ${values.out}`);
    return 0;
  },
};

/** Writes with back-pressure: the database is read no faster than the output drains. */
async function writeLines(lines: AsyncIterable<string>, out: Writable): Promise<void> {
  let failed: Error | null = null;
  out.on("error", (error) => (failed = error));
  for await (const line of lines) {
    if (failed) throw failed;
    if (!out.write(`${line}\n`)) await Promise.race([once(out, "drain"), once(out, "error")]);
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, "finish");
  }
  if (failed) throw failed;
}
