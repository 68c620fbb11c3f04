import { databaseKind, type Db } from "./client";
import { listMigrationNames, MIGRATIONS_DIRS } from "./migration-files";

export interface DatabaseStatus {
  reachable: boolean;
  migrationsCurrent: boolean;
  pendingMigrations: string[];
  error?: string;
}

/** Is the database usable, and has every migration shipped with this build been applied? */
export async function databaseStatus(db: Db, migrationsDir = MIGRATIONS_DIRS[databaseKind(db)]): Promise<DatabaseStatus> {
  const shipped = listMigrationNames(migrationsDir);
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const pendingMigrations = shipped.filter((name) => !applied.has(name));
    return { reachable: true, migrationsCurrent: pendingMigrations.length === 0, pendingMigrations };
  } catch (error) {
    return { reachable: false, migrationsCurrent: false, pendingMigrations: shipped, error: error instanceof Error ? error.message : String(error) };
  }
}
