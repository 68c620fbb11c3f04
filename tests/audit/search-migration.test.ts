/**
 * Migrations stay in step with the one schema: on a copy of prisma/, creating the next
 * migration finds nothing to do (so the audit search tables, which schema.prisma cannot
 * describe, are not dropped, and every database's history reproduces the schema exactly),
 * and a real change comes out alone, under one name, for every database. PostgreSQL is
 * included when the suite runs on it (npm run test:postgresql).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMigration, migrationTarget, type MigrationTarget } from "@/lib/db/migrations";
import type { DatabaseKind } from "@/lib/config/env";
import { testDatabaseKind } from "@/tests/helpers/database";

const scratch: string[] = [];
afterEach(() => scratch.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const kinds: DatabaseKind[] = testDatabaseKind === "postgresql" ? ["sqlite", "postgresql"] : ["sqlite"];
const postgresqlServerUrl = process.env.PTERI_TEST_POSTGRESQL_URL;

function copyOfPrisma(): MigrationTarget[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-migrations-"));
  scratch.push(dir);
  return kinds.map((kind) => {
    const real = migrationTarget(kind);
    const copy = { kind, dir: path.join(dir, kind, "migrations"), schemaFile: path.join(dir, kind, "schema.prisma") };
    fs.cpSync(real.dir, copy.dir, { recursive: true });
    fs.copyFileSync(real.schemaFile, copy.schemaFile);
    return copy;
  });
}

describe(`db:migrate:create (${kinds.join(" and ")})`, () => {
  it("finds no change when the schema has none (the audit search tables are not dropped)", async () => {
    expect(await createMigration("probe", { targets: copyOfPrisma(), postgresqlServerUrl })).toBeNull();
  }, 120_000);

  it("a real schema change comes out alone, under the same name for every database", async () => {
    const targets = copyOfPrisma();
    for (const target of targets) fs.appendFileSync(target.schemaFile, "\nmodel ProbeThing {\n  id Int @id\n}\n");
    const created = await createMigration("probe", { targets, postgresqlServerUrl });
    expect(created).toMatch(/^\d{14}_probe$/);
    for (const target of targets) {
      const sql = fs.readFileSync(path.join(target.dir, created!, "migration.sql"), "utf8");
      expect(sql).toContain('CREATE TABLE "ProbeThing"');
      expect(sql).not.toMatch(/AuditEntryText|AuditSearchTerm|DROP/);
    }
  }, 120_000);
});
