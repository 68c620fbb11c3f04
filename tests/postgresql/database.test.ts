/**
 * PostgreSQL as the Console's database (DATABASE_URL=postgresql://…), on the throwaway server
 * `npm run test:postgresql` starts: the database is created when missing and migrated once,
 * instances starting together migrate one at a time, and problems are one sentence.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/env";
import { createDb } from "@/lib/db/client";
import { listMigrationNames, MIGRATIONS_DIRS } from "@/lib/db/migration-files";
import { prepareDatabase } from "@/lib/db/prepare";
import { databaseStatus } from "@/lib/db/status";
import { dropTestDatabase, testDatabaseEnv } from "@/tests/helpers/database";

const dirs: string[] = [];
function freshConfig() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-pg-db-"));
  dirs.push(dir);
  return loadConfig({ PTERI_DATA_DIR: dir, ...testDatabaseEnv(dir) });
}
afterAll(async () => {
  for (const dir of dirs) {
    await dropTestDatabase(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe("prepareDatabase on PostgreSQL", () => {
  it("creates the database when it does not exist, applies every PostgreSQL migration, then nothing the second time", async () => {
    const config = freshConfig();
    expect(config.database).toBe("postgresql");
    const shipped = listMigrationNames(MIGRATIONS_DIRS.postgresql);
    expect(shipped.length).toBeGreaterThan(0);
    expect(await prepareDatabase(config)).toEqual(shipped);
    expect(await prepareDatabase(config)).toEqual([]);
    const db = createDb(config.databaseUrl);
    try {
      expect(await databaseStatus(db)).toMatchObject({ reachable: true, migrationsCurrent: true, pendingMigrations: [] });
      // Hand-written guards are there: the audit log refuses changes, machines are never deleted.
      await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
      await expect(db.$executeRawUnsafe(`DELETE FROM "Machine"`)).resolves.toBe(0); // nothing to delete is fine
    } finally {
      await db.$disconnect();
    }
  }, 60_000);

  it("lets several instances start at once: each migration is applied exactly once", async () => {
    const config = freshConfig();
    const results = await Promise.all([1, 2, 3].map(() => prepareDatabase(config)));
    const applied = results.flat();
    expect(applied.sort()).toEqual(listMigrationNames(MIGRATIONS_DIRS.postgresql).sort());
    const db = createDb(config.databaseUrl);
    try {
      const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT COUNT(*) AS n FROM "_prisma_migrations"`);
      expect(Number(rows[0]!.n)).toBe(listMigrationNames(MIGRATIONS_DIRS.postgresql).length);
    } finally {
      await db.$disconnect();
    }
  }, 90_000);

  it("reports pending migrations when the database is behind", async () => {
    const config = freshConfig();
    await prepareDatabase(config);
    const db = createDb(config.databaseUrl);
    try {
      const latest = listMigrationNames(MIGRATIONS_DIRS.postgresql).at(-1)!;
      await db.$executeRaw`DELETE FROM "_prisma_migrations" WHERE migration_name = ${latest}`;
      expect(await databaseStatus(db)).toMatchObject({ reachable: true, migrationsCurrent: false, pendingMigrations: [latest] });
    } finally {
      await db.$disconnect();
    }
  }, 60_000);

  it("explains an unreachable server in one sentence", async () => {
    const config = loadConfig({ PTERI_DATA_DIR: os.tmpdir(), DATABASE_URL: "postgresql://postgres@127.0.0.1:1/pteri" });
    const failure = prepareDatabase(config);
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/^Could not migrate the database \(.*\); check DATABASE_URL and that the database is reachable and writable\.$/);
  }, 30_000);
});
