/**
 * The audit search tables are not in schema.prisma (FTS5 cannot be described there): creating
 * the next migration must neither drop them nor stop a real schema change from coming out.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMigration, SCHEMA_FILE } from "@/lib/db/migrations";
import { MIGRATIONS_DIR } from "@/lib/db/migration-files";

const scratch: string[] = [];
afterEach(() => scratch.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function copyOfPrisma(): { migrations: string; schema: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-search-migration-"));
  scratch.push(dir);
  fs.cpSync(MIGRATIONS_DIR, path.join(dir, "migrations"), { recursive: true });
  fs.copyFileSync(SCHEMA_FILE, path.join(dir, "schema.prisma"));
  return { migrations: path.join(dir, "migrations"), schema: path.join(dir, "schema.prisma") };
}

describe("db:migrate:create and the audit search tables", () => {
  it("finds no change when the schema has none (the FTS and term tables are not dropped)", async () => {
    const copy = copyOfPrisma();
    expect(await createMigration("probe", copy.migrations, copy.schema)).toBeNull();
  }, 60_000);

  it("a real schema change comes out alone", async () => {
    const copy = copyOfPrisma();
    fs.appendFileSync(copy.schema, "\nmodel ProbeThing {\n  id Int @id\n}\n");
    const created = await createMigration("probe", copy.migrations, copy.schema);
    const sql = fs.readFileSync(path.join(copy.migrations, created!, "migration.sql"), "utf8");
    expect(sql).toContain('CREATE TABLE "ProbeThing"');
    expect(sql).not.toMatch(/AuditEntryText|AuditSearchTerm|DROP/);
  }, 60_000);
});
