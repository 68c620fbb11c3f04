import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { codeOf } from "../../lib/config/data-dir";
import { AdminUsageError, type AdminCommand } from "./command";

const USAGE = "db-backup --out FILE [--json]";

/** sqlite3_backup_step's page count meaning "every remaining page" (better-sqlite3 caps it here). */
const ALL_PAGES = 0x7fffffff;

export interface BackupReport {
  file: string;
  bytes: number;
  auditEntries: number;
  /** Tree size of the newest signed checkpoint in the copy; null before the first one. */
  latestCheckpointSize: number | null;
}

/**
 * An online, consistent copy of the SQLite database while the Console keeps running, through
 * SQLite's own backup API (better-sqlite3's backup()). Reads the database as it is: nothing is
 * created or migrated first (configOnly), so a backup taken before an upgrade holds the old
 * schema, which `npm start` migrates forward after a restore (docs/deployment.md).
 *
 * Why not cp: the Console runs SQLite in WAL mode, so recently committed transactions live in
 * pteri.db-wal until a checkpoint moves them into pteri.db, and the Console may checkpoint or
 * commit while the copy is in progress. Copying pteri.db alone loses those transactions; copying
 * it and the -wal file one after the other can pair a database file and a WAL from different
 * moments, which SQLite cannot tell apart from corruption: a torn audit chain at best, a file
 * that does not open at worst. The backup API reads pages through SQLite inside one read
 * transaction, so the copy is exactly the database at one commit.
 *
 * All pages are copied in one backup step. Copied a few pages at a time, a backup restarts from
 * the beginning whenever another connection (the Console) writes between two steps, and on a
 * busy Console it might never finish. One step holds one WAL read snapshot instead; in WAL mode
 * readers do not block the writer, so the Console goes on committing while the copy is made.
 */
export const dbBackup: AdminCommand = {
  name: "db-backup",
  summary: "Copy the SQLite database while the Console runs (consistent, mode 0600) and report the copy's audit entries.",
  usage: USAGE,
  configOnly: true,
  async run(args, config) {
    let values: { out?: string; json?: boolean };
    try {
      ({ values } = parseArgs({ args, options: { out: { type: "string" }, json: { type: "boolean" } }, strict: true }));
    } catch (error) {
      throw new AdminUsageError(`${error instanceof Error ? error.message.split("\n")[0] : String(error)} Usage: npm run admin -- ${USAGE}`);
    }
    if (config.database === "postgresql" || !config.sqlitePath) {
      throw new AdminUsageError(
        "db-backup copies the embedded SQLite database; DATABASE_URL names a PostgreSQL database, so back it up with PostgreSQL's own pg_dump (https://www.postgresql.org/docs/current/app-pgdump.html).",
      );
    }
    if (!values.out) throw new AdminUsageError(`--out is required. Usage: npm run admin -- ${USAGE}`);
    const report = await backupSqlite(config.sqlitePath, path.resolve(values.out));
    if (values.json) console.log(JSON.stringify({ source: config.sqlitePath, ...report }, null, 2));
    else {
      console.log(`backup:     ${report.file}`);
      console.log(`size:       ${report.bytes} bytes`);
      console.log(`audit:      ${report.auditEntries} entries`);
      console.log(`checkpoint: ${report.latestCheckpointSize === null ? "none signed yet" : `latest at size ${report.latestCheckpointSize}`}`);
    }
    console.error(
      `pteri admin: the copy holds the database only; keep audit-log-key.pem, webhook-signing-key.pem and session.secret from ${config.dataDir} backed up separately (docs/deployment.md).`,
    );
    return 0;
  },
};

/** Copies the database at `source` to a new file `out` (refusing an existing one) and reports on the copy. */
export async function backupSqlite(source: string, out: string): Promise<BackupReport> {
  if (!fs.existsSync(source)) throw new AdminUsageError(`there is no database at ${source}; check PTERI_DATA_DIR and DATABASE_URL.`);
  let fd: number;
  try {
    // "wx": refuse anything already there (an earlier backup, the live database), atomically.
    // Created here with mode 0600 so the copy is never readable by others, even for a moment;
    // SQLite writes into the empty file and gives its journal the same mode.
    fd = fs.openSync(out, "wx", 0o600);
  } catch (error) {
    const code = codeOf(error);
    if (code === "EEXIST") throw new AdminUsageError(`${out} already exists; db-backup never overwrites a file. Choose a new --out.`);
    if (code === "ENOENT") throw new AdminUsageError(`cannot create ${out}: its directory does not exist.`);
    throw new AdminUsageError(`cannot create ${out} (${code}).`);
  }
  try {
    fs.fchmodSync(fd, 0o600); // whatever the umask
  } finally {
    fs.closeSync(fd);
  }
  try {
    const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      await db.backup(out, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }
    selfContained(out);
    return inspectCopy(out);
  } catch (error) {
    removeCopy(out);
    if (error instanceof AdminUsageError) throw error;
    throw new AdminUsageError(`the backup failed (${codeOf(error)}); nothing was kept at ${out}.`);
  }
}

/**
 * The copy inherits WAL mode from the live database, and every later opening would leave -wal
 * and -shm files beside it. Switched to a rollback journal it is one self-contained file; a
 * restored copy is switched back to WAL when the Console starts on it (lib/db/prepare.ts).
 */
function selfContained(file: string): void {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
}

/** Opens the copy read-only, checks it, and counts what it holds. */
function inspectCopy(file: string): BackupReport {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new AdminUsageError(`the copy at ${file} failed SQLite's quick_check (${String(check)}); it was removed.`);
    const { n } = copy.prepare(`SELECT COUNT(*) AS n FROM "AuditEntry"`).get() as { n: number };
    const latest = copy.prepare(`SELECT "size" FROM "AuditCheckpoint" ORDER BY "id" DESC LIMIT 1`).get() as { size: number } | undefined;
    return { file, bytes: fs.statSync(file).size, auditEntries: n, latestCheckpointSize: latest?.size ?? null };
  } finally {
    copy.close();
  }
}

function removeCopy(file: string): void {
  for (const suffix of ["", "-journal", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
}
