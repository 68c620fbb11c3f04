/**
 * Which database the integration tests run on. By default each test's data directory holds
 * its own SQLite file. `npm run test:postgresql` (scripts/test-postgresql.ts) points
 * PTERI_TEST_POSTGRESQL_URL at a throwaway PostgreSQL server; each data directory then gets
 * its own database there, named after the directory, and chosen the way production chooses
 * one: through DATABASE_URL (so child processes given the same environment use it too).
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { dropPostgresqlDatabase, postgresqlDatabaseName, postgresqlDatabaseUrl, quoteIdentifier, withPostgresqlClient } from "@/lib/db/postgresql";
import type { DatabaseKind } from "@/lib/config/env";

const SERVER_URL = process.env.PTERI_TEST_POSTGRESQL_URL || undefined;

export const testDatabaseKind: DatabaseKind = SERVER_URL ? "postgresql" : "sqlite";

/** DATABASE_URL for a data directory: "" (its own SQLite file) or its own PostgreSQL database. */
export function testDatabaseUrl(dataDir: string): string {
  if (!SERVER_URL) return "";
  return postgresqlDatabaseUrl(SERVER_URL, `t_${createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 24)}`);
}

/** The environment entries that select a data directory's test database. */
export function testDatabaseEnv(dataDir: string): { DATABASE_URL: string } {
  return { DATABASE_URL: testDatabaseUrl(dataDir) };
}

/** Drops a data directory's PostgreSQL database (a SQLite one goes with its directory). */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  if (SERVER_URL) await dropPostgresqlDatabase(testDatabaseUrl(dataDir));
}

/**
 * Copies one data directory's PostgreSQL database to another's (CREATE DATABASE … TEMPLATE).
 * PostgreSQL copies only a database nobody is connected to, so `sourceDb` is disconnected
 * first; Prisma reconnects it on its next query.
 */
export async function copyTestDatabase(sourceDb: Db, sourceDir: string, targetDir: string): Promise<void> {
  if (!SERVER_URL) throw new Error("copyTestDatabase: the tests are not running on PostgreSQL");
  await sourceDb.$disconnect();
  const name = (dir: string) => quoteIdentifier(postgresqlDatabaseName(testDatabaseUrl(dir)));
  await withPostgresqlClient(SERVER_URL, (admin) => admin.query(`CREATE DATABASE ${name(targetDir)} TEMPLATE ${name(sourceDir)}`));
}
