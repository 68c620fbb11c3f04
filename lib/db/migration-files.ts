import fs from "node:fs";
import path from "node:path";
import type { DatabaseKind } from "../config/env";


/**
 * Where each database's migrations live, in Prisma's standard layout. Both are made from the
 * one schema (prisma/schema.prisma; the PostgreSQL copy is derived from it by
 * scripts/prisma-generate.mjs) by `npm run db:migrate:create`, which writes the same-named
 * migration into both directories (docs/database.md).
 */
export const MIGRATIONS_DIRS: Record<DatabaseKind, string> = {
  sqlite: path.join(process.cwd(), "prisma", "migrations"),
  postgresql: path.join(process.cwd(), "prisma", "postgresql", "migrations"),
};
export const MIGRATIONS_DIR = MIGRATIONS_DIRS.sqlite;

/** Names of the migration directories shipped with this build, oldest first. */
export function listMigrationNames(baseDir = MIGRATIONS_DIR): string[] {
  if (!fs.existsSync(/*turbopackIgnore: true*/ baseDir)) return [];
  return fs
    .readdirSync(/*turbopackIgnore: true*/ baseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
