// bench/database.ts: each benchmark data directory gets its own migrated database of the kind
// the run measures, removed afterwards. On PostgreSQL (npm run test:postgresql) the databases
// are made on the test server, as bench/run.ts makes them on its throwaway cluster.
import fs from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { benchDataDir, postgresqlDatabase, SQLITE, withBenchDb, type BenchDataDir } from "@/bench/database";
import { databaseKind } from "@/lib/db/client";
import { testDatabaseKind } from "@/tests/helpers/database";

const SERVER_URL = process.env.PTERI_TEST_POSTGRESQL_URL;
const database = testDatabaseKind === "postgresql" ? postgresqlDatabase(SERVER_URL!) : SQLITE;

async function postgresqlDatabaseExists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [new URL(url).pathname.slice(1)]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("bench databases", () => {
  it(`runs the work on a fresh migrated ${testDatabaseKind} database and removes it afterwards`, async () => {
    let seen: BenchDataDir | undefined;
    await withBenchDb(database, "test", async (db, dataDir) => {
      seen = dataDir;
      expect(databaseKind(db)).toBe(testDatabaseKind);
      expect(dataDir.config.database).toBe(testDatabaseKind);
      expect(await db.machine.count()).toBe(0); // migrated: the tables exist
      await db.machine.create({ data: { name: "bench", keyId: "k".repeat(43), publicJwk: "{}", status: "active" } });
      if (testDatabaseKind === "postgresql") expect(await postgresqlDatabaseExists(dataDir.env.DATABASE_URL)).toBe(true);
      else expect(fs.existsSync(dataDir.config.sqlitePath!)).toBe(true);
    });
    expect(fs.existsSync(seen!.dir)).toBe(false);
    if (testDatabaseKind === "postgresql") expect(await postgresqlDatabaseExists(seen!.env.DATABASE_URL)).toBe(false);
  });

  it("selects the database through DATABASE_URL, so a child process given the env uses the same one", () => {
    const a = benchDataDir(database, "test");
    const b = benchDataDir(database, "test");
    try {
      expect(a.env.PTERI_DATA_DIR).toBe(a.dir);
      if (testDatabaseKind === "sqlite") {
        expect(a.env.DATABASE_URL).toBe("");
        expect(a.config.sqlitePath).toBe(`${a.dir}/pteri.db`);
      } else {
        expect(a.env.DATABASE_URL).toMatch(/^postgresql:\/\/.*\/bench_[0-9a-f]{24}$/);
        expect(b.env.DATABASE_URL).not.toBe(a.env.DATABASE_URL);
        expect(a.config.databaseUrl).toBe(a.env.DATABASE_URL);
      }
    } finally {
      fs.rmSync(a.dir, { recursive: true, force: true });
      fs.rmSync(b.dir, { recursive: true, force: true });
    }
  });
});
