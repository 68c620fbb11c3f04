/**
 * npm run admin -- db-backup: an online copy while another process appends, restored into a new
 * data directory that starts, keeps the entries and passes `pteri audit verify`.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "@/lib/audit/checkpoint-store";
import { prepareHost } from "@/lib/config/startup";
import { createDb } from "@/lib/db/client";
import { databaseStatus } from "@/lib/db/status";
import { appendEvents, enroll, freshLog, machineRequest, PUBLIC_URL, type TestLog } from "../audit/fixtures";
import { runCli, type CliResult } from "../audit/helpers";

const WRITER = path.join(import.meta.dirname, "append-writer.ts");
const KEY_FILES = ["audit-log-key.pem", "webhook-signing-key.pem", "session.secret"];

let log: TestLog;
let work: string;
const restoredDirs: string[] = [];
beforeAll(async () => {
  log = await freshLog();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-backup-"));
  const key = await enroll(log.db, "alpha");
  await appendEvents(log.db, 20);
  for (let i = 0; i < 3; i++) await machineRequest(log, key);
  await createCheckpoint(log.db, log.identity); // size 24
  await prepareHost({ PTERI_DATA_DIR: log.dir, PTERI_PUBLIC_URL: PUBLIC_URL }); // the key files a real data directory holds
}, 60_000);
afterAll(async () => {
  await log.close();
  for (const dir of [work, ...restoredDirs]) fs.rmSync(dir, { recursive: true, force: true });
});

function admin(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], { env: { ...process.env, PTERI_DATA_DIR: log.dir, PTERI_PUBLIC_URL: PUBLIC_URL, ...env }, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const count = (): Promise<number> => log.db.auditEntry.count();
const sha256 = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startWriter(): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER], { env: { ...process.env, DATABASE_URL: log.config.databaseUrl }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
  return { child, done };
}

/** The documented restore: a data directory with the copy as pteri.db and the key files kept beside the backups. */
function restoreInto(backup: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-restored-"));
  restoredDirs.push(dir);
  fs.copyFileSync(backup, path.join(dir, "pteri.db"));
  for (const name of KEY_FILES) {
    fs.copyFileSync(path.join(log.dir, name), path.join(dir, name));
    fs.chmodSync(path.join(dir, name), 0o600);
  }
  return dir;
}

describe("npm run admin -- db-backup", () => {
  const out = () => path.join(work, "pteri-backup.db");
  let report: { file: string; bytes: number; auditEntries: number; latestCheckpointSize: number | null; source: string };
  let before = 0;

  it("copies the database while another process appends, with mode 0600, and reports the copy", async () => {
    // A long read on the live database (a streamed export, say) keeps SQLite from moving the
    // writer's commits into pteri.db: they stay in pteri.db-wal, where copying the file misses them.
    const reader = new Database(log.config.sqlitePath!, { readonly: true, fileMustExist: true });
    reader.exec("BEGIN");
    reader.prepare(`SELECT COUNT(*) FROM "AuditEntry"`).get();
    const writer = startWriter();
    try {
      await until(async () => (await count()) >= 24 + 30, "the writer to append");
      before = await count();
      const result = await admin(["db-backup", "--out", out(), "--json"]);
      expect(result.code, result.stderr).toBe(0);
      report = JSON.parse(result.stdout);
      const afterBackup = await count();
      // The writer was still appending after the copy was taken: the backup really ran next to it.
      await until(async () => (await count()) > afterBackup, "the writer to go on appending");
      expect(report.auditEntries).toBeGreaterThan(before); // nothing committed before the backup is missing, and the writer went on during it
      expect(report.auditEntries).toBeLessThanOrEqual(afterBackup);
      expect(result.stderr).toBe(
        `pteri admin: the copy holds the database only; keep audit-log-key.pem, webhook-signing-key.pem and session.secret from ${log.dir} backed up separately (docs/deployment.md).\n`,
      );
    } finally {
      writer.child.kill("SIGTERM");
      reader.exec("COMMIT");
      reader.close();
    }
    expect(await writer.done).toEqual({ code: 0, stderr: "" });

    expect(report).toMatchObject({ source: log.config.sqlitePath, file: out(), latestCheckpointSize: 24 });
    const stat = fs.statSync(out());
    expect(stat.mode & 0o777).toBe(0o600);
    expect(report.bytes).toBe(stat.size);
    // One self-contained file: no journal, -wal or -shm left beside it.
    expect(fs.readdirSync(work)).toEqual(["pteri-backup.db"]);

    // The copy opens and is exactly a prefix of the live log: same entries, unbroken chain.
    const copy = new Database(out(), { readonly: true, fileMustExist: true });
    const rows = copy.prepare(`SELECT seq, prevHash, entryHash FROM "AuditEntry" ORDER BY seq`).all() as { seq: number; prevHash: string; entryHash: string }[];
    copy.close();
    expect(rows.map((r) => r.seq)).toEqual([...Array(report.auditEntries).keys()]);
    const live = await log.db.auditEntry.findMany({ where: { seq: { lt: report.auditEntries } }, orderBy: { seq: "asc" }, select: { seq: true, prevHash: true, entryHash: true } });
    expect(rows).toEqual(live);
  }, 60_000);

  it("never overwrites an existing file", async () => {
    const hash = sha256(out());
    const again = await admin(["db-backup", "--out", out()]);
    expect(again).toMatchObject({ code: 1, stdout: "", stderr: `pteri admin: ${out()} already exists; db-backup never overwrites a file. Choose a new --out.\n` });
    expect(sha256(out())).toBe(hash);
    expect(await admin(["db-backup"])).toMatchObject({ code: 1, stderr: "pteri admin: --out is required. Usage: npm run admin -- db-backup --out FILE [--json]\n" });
  });

  it("a restored copy starts, keeps the entries, and its export passes pteri audit verify", async () => {
    const dir = restoreInto(out());
    const env = { PTERI_DATA_DIR: dir, PTERI_PUBLIC_URL: PUBLIC_URL };
    const host = await prepareHost(env); // what npm start does before serving
    expect(host.appliedMigrations).toEqual([]);
    const db = createDb(host.config.databaseUrl);
    try {
      expect(await databaseStatus(db)).toMatchObject({ reachable: true, migrationsCurrent: true }); // what /api/health answers from
      expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
      expect(await db.auditEntry.count()).toBe(report.auditEntries);
    } finally {
      await db.$disconnect();
    }

    const exported = path.join(dir, "restored.jsonl");
    const result = await admin(["audit-export", "--out", exported], env);
    expect(result.code, result.stderr).toBe(0);
    const verified = await runCli(["audit", "verify", exported, "--log-key", log.identity.vkey, "--json"]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, entries: report.auditEntries, checkpointSize: report.auditEntries });
  }, 60_000);

  it("sends a PostgreSQL database to pg_dump and creates nothing", async () => {
    const target = path.join(work, "pg.db");
    const result = await admin(["db-backup", "--out", target], { DATABASE_URL: "postgresql://pteri@db.example/pteri" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pteri admin: db-backup copies the embedded SQLite database; DATABASE_URL names a PostgreSQL database, so back it up with PostgreSQL's own pg_dump/);
    expect(fs.existsSync(target)).toBe(false);
  });
});
