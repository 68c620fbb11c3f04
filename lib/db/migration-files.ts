import fs from "node:fs";
import path from "node:path";

/** Where migrations live, in Prisma's standard layout. */
export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/** Names of the migration directories shipped with this build, oldest first. */
export function listMigrationNames(baseDir = MIGRATIONS_DIR): string[] {
  if (!fs.existsSync(/*turbopackIgnore: true*/ baseDir)) return [];
  return fs
    .readdirSync(/*turbopackIgnore: true*/ baseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
