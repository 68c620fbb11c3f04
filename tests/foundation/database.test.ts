import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/env";
import { createDb } from "@/lib/db/client";
import { listMigrationNames } from "@/lib/db/migration-files";
import { prepareDatabase } from "@/lib/db/prepare";
import { databaseStatus } from "@/lib/db/status";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-db-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("prepareDatabase", () => {
  it("creates and migrates a fresh SQLite database, then applies nothing the second time", async () => {
    const config = loadConfig({ PTERI_DATA_DIR: dir });
    expect(await prepareDatabase(config)).toEqual(listMigrationNames());
    expect(await prepareDatabase(config)).toEqual([]);

    const db = createDb(config.databaseUrl);
    try {
      expect(await databaseStatus(db)).toMatchObject({ reachable: true, migrationsCurrent: true, pendingMigrations: [] });
      const rows = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
      expect(rows).toEqual([{ journal_mode: "wal" }]);
    } finally {
      await db.$disconnect();
    }
  });

  it("explains a corrupt database file in one line and leaves the file untouched", async () => {
    const config = loadConfig({ PTERI_DATA_DIR: dir });
    const garbage = Buffer.from("this is not a sqlite database, just some bytes ".repeat(200));
    fs.writeFileSync(config.sqlitePath!, garbage);
    await expect(prepareDatabase(config)).rejects.toThrow(/^The database file .* is corrupt or not a SQLite database; restore it from a backup/);
    expect(fs.readFileSync(config.sqlitePath!)).toEqual(garbage);
  });

  it("reports pending migrations when the database is behind", async () => {
    const config = loadConfig({ PTERI_DATA_DIR: dir });
    await prepareDatabase(config);
    const db = createDb(config.databaseUrl);
    try {
      const latest = listMigrationNames().at(-1)!;
      await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = ?`, latest);
      expect(await databaseStatus(db)).toMatchObject({ reachable: true, migrationsCurrent: false, pendingMigrations: [latest] });
    } finally {
      await db.$disconnect();
    }
  });
});
