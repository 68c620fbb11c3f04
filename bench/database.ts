/**
 * Which database a benchmark runs on. bench/run.ts hands every group that touches the database
 * one BenchDatabase per database measured (SQLite, and PostgreSQL on a throwaway cluster), and
 * the group measures the same figures on each. A benchmark's data directory gets its own
 * database, chosen the way production chooses one: DATABASE_URL (unset: the directory's SQLite
 * file), so a child process given the same environment uses it too.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../lib/config/env";
import { createDb, type Db } from "../lib/db/client";
import type { DatabaseKind } from "../lib/config/env";
import { dropPostgresqlDatabase } from "../lib/db/postgresql";
import { prepareDatabase } from "../lib/db/prepare";
import { postgresqlDatabaseUrl } from "../lib/db/postgresql";

export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL for a data directory: "" (its own SQLite file) or its own PostgreSQL database. */
  url(dataDir: string): string;
}

export const SQLITE: BenchDatabase = { kind: "sqlite", url: () => "" };

/** Each data directory gets a database of its own on the server `serverUrl` points at. */
export function postgresqlDatabase(serverUrl: string): BenchDatabase {
  return {
    kind: "postgresql",
    url: (dataDir) => postgresqlDatabaseUrl(serverUrl, `bench_${createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 24)}`),
  };
}

export interface BenchDataDir {
  dir: string;
  /** The environment that selects this directory and its database (for loadConfig or a child process). */
  env: { PTERI_DATA_DIR: string; DATABASE_URL: string };
  config: Config;
  /** Removes the directory and drops its PostgreSQL database (a SQLite file goes with the directory). */
  dispose(): Promise<void>;
}

/** Temporary directories not removed yet: an interrupted run removes them (removeTempDirsNow). */
const live = new Set<string>();

/** A fresh temporary directory, `/tmp/pteri-bench-<prefix>-…`; the caller removes it. */
export function benchTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pteri-bench-${prefix}-`));
  live.add(dir);
  return {
    dir,
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };
}

/** On Ctrl-C: removes the directories in use (their PostgreSQL databases go with the cluster). */
export function removeTempDirsNow(): void {
  for (const dir of live) fs.rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** A fresh temporary data directory on `database`; the caller disposes of it. */
export function benchDataDir(database: BenchDatabase, prefix: string): BenchDataDir {
  const { dir, remove } = benchTempDir(prefix);
  const env = { PTERI_DATA_DIR: dir, DATABASE_URL: database.url(dir) };
  return {
    dir,
    env,
    config: loadConfig(env),
    async dispose() {
      try {
        // A large benchmark database would otherwise stay on the cluster's disk until the run ends.
        if (database.kind === "postgresql") await dropPostgresqlDatabase(env.DATABASE_URL);
      } finally {
        remove();
      }
    },
  };
}

/** Runs `work` on a client of a fresh, migrated database, then disconnects and disposes of it. */
export async function withBenchDb<T>(database: BenchDatabase, prefix: string, work: (db: Db, dataDir: BenchDataDir) => Promise<T>): Promise<T> {
  const dataDir = benchDataDir(database, prefix);
  try {
    await prepareDatabase(dataDir.config);
    const db = createDb(dataDir.config.databaseUrl);
    try {
      return await work(db, dataDir);
    } finally {
      await db.$disconnect();
    }
  } finally {
    await dataDir.dispose();
  }
}
