import fs from "node:fs";
import Database from "better-sqlite3";
import { ConfigError, type Config } from "../config/env";
import { codeOf } from "../config/data-dir";
import { listMigrationNames } from "./migration-files";
import { applyPendingMigrations } from "./migrations";

/**
 * Brings the configured database to the current schema before anything serves
 * requests: checks that an existing SQLite file is a healthy database, turns on WAL,
 * and applies pending migrations. Problems become one actionable sentence.
 */
export async function prepareDatabase(config: Config): Promise<string[]> {
  if (config.database === "sqlite" && config.sqlitePath) {
    const applied = checkSqliteFile(config.sqlitePath);
    // The schema engine opens SQLite with locking_mode=EXCLUSIVE, which fails while any other
    // process (a running Console) has the file open. Start it only when there is work to do,
    // so `npm run admin` works next to a running Console.
    if (listMigrationNames().every((name) => applied.has(name))) return [];
  }
  try {
    return await applyPendingMigrations(config.databaseUrl);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new ConfigError(`Could not migrate the database (${reason}); check DATABASE_URL and that the database is reachable and writable.`);
  }
}

/** Checks the file and returns the names of the migrations already applied to it. */
function checkSqliteFile(file: string): Set<string> {
  let db: Database.Database | undefined;
  let applied = new Set<string>();
  try {
    db = new Database(file, { fileMustExist: false, timeout: 10_000 });
    const result = db.pragma("quick_check", { simple: true });
    if (result !== "ok") throw Object.assign(new Error(String(result)), { code: "SQLITE_CORRUPT" });
    // WAL: readers never block the writer, and the setting persists in the file.
    db.pragma("journal_mode = WAL");
    const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (table) {
      const rows = db.prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { migration_name: string }[];
      applied = new Set(rows.map((r) => r.migration_name));
    }
  } catch (error) {
    const code = codeOf(error);
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
      throw new ConfigError(`The database file ${file} is corrupt or not a SQLite database; restore it from a backup or move it away to start fresh.`);
    }
    if (code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY" || code === "EACCES") {
      throw new ConfigError(`Cannot open the database file ${file} for writing (${code}); check the data directory's permissions.`);
    }
    throw new ConfigError(`Cannot open the database file ${file} (${code}).`);
  } finally {
    db?.close();
  }
  if (!fs.existsSync(file)) throw new ConfigError(`The database file ${file} could not be created.`);
  return applied;
}
