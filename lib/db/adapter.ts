import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/** The Prisma driver adapter for a database URL: SQLite file or PostgreSQL. */
export function createAdapterFactory(databaseUrl: string): SqlMigrationAwareDriverAdapterFactory {
  if (databaseUrl.startsWith("file:")) {
    // WAL lets readers proceed while one writer commits; busy_timeout makes
    // concurrent writers (several processes on one file) wait instead of failing.
    return new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 });
  }
  throw new Error(`Unsupported DATABASE_URL scheme: ${databaseUrl.split(":")[0]}`);
}
