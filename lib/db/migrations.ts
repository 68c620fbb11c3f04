import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { databaseKindOf, type DatabaseKind } from "../config/env";
import { listMigrationNames, MIGRATIONS_DIR, MIGRATIONS_DIRS } from "./migration-files";
import { dropPostgresqlDatabase, ensurePostgresqlDatabase, postgresqlDatabaseUrl, withMigrationLock } from "./postgresql";
import { withSchemaEngine, type SchemaFile } from "./schema-engine";

/**
 * Migrations in Prisma's standard layout (`prisma/migrations/<timestamp>_<name>/migration.sql`
 * plus `migration_lock.toml`), created and applied with the WebAssembly schema engine so
 * that both work offline. The applied set is recorded in Prisma's own `_prisma_migrations`
 * table, so the stock Prisma CLI sees the same history where it is available.
 */
export const SCHEMA_FILES: Record<DatabaseKind, string> = {
  sqlite: path.join(process.cwd(), "prisma", "schema.prisma"),
  // Derived from the SQLite schema by scripts/prisma-generate.mjs (npm install runs it).
  postgresql: path.join(process.cwd(), "prisma", "postgresql", "schema.prisma"),
};
export const SCHEMA_FILE = SCHEMA_FILES.sqlite;

/** One database's migrations: the directory and the schema they must reproduce. */
export interface MigrationTarget {
  kind: DatabaseKind;
  dir: string;
  schemaFile: string;
}

export function migrationTarget(kind: DatabaseKind): MigrationTarget {
  return { kind, dir: MIGRATIONS_DIRS[kind], schemaFile: SCHEMA_FILES[kind] };
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
/**
 * Tables that migrations create but prisma/schema.prisma cannot describe: the audit search's
 * full-text index (an FTS5 virtual table with its shadow tables on SQLite, a tsvector table
 * on PostgreSQL) and its term table (the *_audit_search migrations). Without this, every new
 * migration would drop them.
 */
const EXTERNAL_TABLES: Record<DatabaseKind, SchemaFilter> = {
  sqlite: {
    externalTables: ["AuditEntryText", "AuditEntryText_config", "AuditEntryText_data", "AuditEntryText_docsize", "AuditEntryText_idx", "AuditSearchTerm"],
    externalEnums: [],
  },
  postgresql: { externalTables: ["public.AuditEntryText", "public.AuditSearchTerm"], externalEnums: [] },
};

export function readMigrations(baseDir = MIGRATIONS_DIR): MigrationList {
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const directories = listMigrationNames(baseDir);
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: directories.map((name) => {
      const file = path.join(baseDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `missing ${file}` },
        },
      };
    }),
  };
}

/** Applies every migration not yet applied; returns the names applied now. */
export async function applyPendingMigrations(databaseUrl: string, target = migrationTarget(databaseKindOf(databaseUrl))): Promise<string[]> {
  // The engine panics without a datamodel, even though applying only replays SQL files.
  const apply = () =>
    withSchemaEngine(databaseUrl, [readSchema(target.schemaFile)], async (engine) => {
      const result = await engine.applyMigrations({ migrationsList: readMigrations(target.dir), filters: NO_FILTER });
      return result.appliedMigrationNames;
    });
  if (target.kind === "sqlite") return apply();
  await ensurePostgresqlDatabase(databaseUrl);
  return withMigrationLock(databaseUrl, apply);
}

export interface CreateMigrationOptions {
  /** The databases to write the migration for; both by default. */
  targets?: MigrationTarget[];
  /** A PostgreSQL server where a scratch database may be created and dropped (needed for PostgreSQL targets). */
  postgresqlServerUrl?: string;
}

/**
 * Writes a new migration, the same-named directory for every target, that takes each database
 * from its existing migrations to the current schema. Each is computed on a scratch database
 * (a temporary SQLite file; a throwaway database on the given PostgreSQL server), so no real
 * database is touched. Returns the new directory name, or null when the schema has no changes.
 */
export async function createMigration(name: string, options: CreateMigrationOptions = {}): Promise<string | null> {
  const targets = options.targets ?? [migrationTarget("sqlite"), migrationTarget("postgresql")];
  const dirName = `${migrationTimestamp(new Date())}_${name}`;
  const scripts = await Promise.all(targets.map(async (target) => ({ target, script: await migrationScript(target, options) })));
  const changed = scripts.filter(({ script }) => /^\s*(CREATE|ALTER|DROP|PRAGMA|INSERT|UPDATE|DELETE)\b/im.test(script));
  if (changed.length === 0) return null;
  // Same models, so both databases change together; anything else means their histories drifted.
  if (changed.length !== scripts.length) {
    const drifted = scripts.filter((s) => !changed.includes(s)).map((s) => s.target.kind);
    throw new Error(`Only some databases changed (not ${drifted.join(", ")}); their migration histories have drifted apart. See docs/database.md.`);
  }
  for (const { target, script } of changed) writeMigration(target, dirName, script);
  return dirName;
}

/** The SQL that takes a scratch database migrated to `target`'s history to its schema. */
async function migrationScript(target: MigrationTarget, options: CreateMigrationOptions): Promise<string> {
  const scratch = await scratchDatabase(target.kind, options.postgresqlServerUrl);
  const schema = readSchema(target.schemaFile);
  try {
    return await withSchemaEngine(scratch.url, [schema], async (engine) => {
      await engine.applyMigrations({ migrationsList: readMigrations(target.dir), filters: NO_FILTER });
      // createMigration would need a shadow database, which the WebAssembly engine only takes
      // from an external factory; diffing the scratch database (migrated above) against the
      // schema gives the same script.
      const diff = await engine.diff({
        from: { tag: "schemaDatasource", files: [schema], configDir: path.dirname(target.schemaFile) },
        to: { tag: "schemaDatamodel", files: [schema] },
        script: true,
        exitCode: null,
        filters: EXTERNAL_TABLES[target.kind],
      });
      return diff.stdout ?? "";
    });
  } finally {
    await scratch.drop();
  }
}

async function scratchDatabase(kind: DatabaseKind, postgresqlServerUrl: string | undefined): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-migrate-"));
    return { url: `file:${path.join(dir, "scratch.db")}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  if (!postgresqlServerUrl) throw new Error("Creating a PostgreSQL migration needs a PostgreSQL server for a scratch database.");
  const url = postgresqlDatabaseUrl(postgresqlServerUrl, `pteri_migrate_${process.pid}_${Date.now()}`);
  await ensurePostgresqlDatabase(url);
  return { url, drop: () => dropPostgresqlDatabase(url) };
}

function writeMigration(target: MigrationTarget, dirName: string, script: string): void {
  fs.mkdirSync(path.join(target.dir, dirName), { recursive: true });
  fs.writeFileSync(path.join(target.dir, dirName, "migration.sql"), script);
  const lock = path.join(target.dir, "migration_lock.toml");
  if (!fs.existsSync(lock)) {
    fs.writeFileSync(lock, `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${target.kind}"\n`);
  }
}

/** Prisma's migration directory prefix: UTC YYYYMMDDHHMMSS. */
function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function readSchema(schemaFile: string): SchemaFile {
  return { path: schemaFile, content: fs.readFileSync(schemaFile, "utf8") };
}
