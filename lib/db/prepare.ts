import fs from "node:fs";
import Database from "better-sqlite3";
import { ConfigError, type Config } from "../config/env";
import { codeOf } from "../config/data-dir";
import { applyPendingMigrations } from "./migrations";

/**
 * Brings the configured database to the current schema before anything serves
 * requests: checks that an existing SQLite file is a healthy database, turns on WAL,
 * and applies pending migrations. Problems become one actionable sentence.
 */
export async function prepareDatabase(config: Config): Promise<string[]> {
  if (config.database === "sqlite" && config.sqlitePath) checkSqliteFile(config.sqlitePath);
  try {
    return await applyPendingMigrations(config.databaseUrl);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new ConfigError(`Could not migrate the database (${reason}); check DATABASE_URL and that the database is reachable and writable.`);
  }
}

function checkSqliteFile(file: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: false, timeout: 10_000 });
    const result = db.pragma("quick_check", { simple: true });
    if (result !== "ok") throw Object.assign(new Error(String(result)), { code: "SQLITE_CORRUPT" });
    // WAL: readers never block the writer, and the setting persists in the file.
    db.pragma("journal_mode = WAL");
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
}
