/** Test helpers beyond fixtures.ts: copying a log to attack it, and running the real CLI. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@/lib/config/env";
import { openTestLog, type TestLog } from "./fixtures";
import { copyTestDatabase, testDatabaseEnv, testDatabaseKind } from "@/tests/helpers/database";

/** A copy of a log's data directory (database and log key): the original is never touched. */
export async function copyLog(source: TestLog, name: string): Promise<TestLog> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pteri-audit-${name}-`));
  // SQLite: move the WAL's commits into the file, then copy the file with the directory.
  if (testDatabaseKind === "sqlite") await source.db.$executeRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  fs.cpSync(source.dir, dir, { recursive: true, filter: (src) => !src.endsWith(".jsonl") });
  if (testDatabaseKind === "postgresql") await copyTestDatabase(source.db, source.dir, dir);
  const config = loadConfig({ PTERI_DATA_DIR: dir, PTERI_PUBLIC_URL: source.config.publicUrl.href, ...testDatabaseEnv(dir) });
  return openTestLog(dir, config);
}

export type CliResult = { code: number; stdout: string; stderr: string };

export const BIN = path.resolve(import.meta.dirname, "../../bin/pteri.mjs");

/** `node bin/pteri.mjs ...` as a child process (asynchronous, so the test process keeps working). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, PTERI_DEBUG: "", ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
