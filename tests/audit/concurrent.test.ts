/** Two processes appending to one SQLite database at the same time leave one unbroken chain. */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { verifyExport } from "@/lib/audit/verify-export";
import { exportLines, freshLog, type TestLog } from "./fixtures";

const WORKER = path.join(import.meta.dirname, "append-worker.ts");
const PER_PROCESS = 200;

let log: TestLog;
beforeAll(async () => {
  log = await freshLog();
});
afterAll(() => log.close());

function appender(label: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
      env: { ...process.env, DATABASE_URL: log.config.databaseUrl, COUNT: String(PER_PROCESS), LABEL: label, START_AT: String(startAt) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

it("concurrent appends from two processes leave one unbroken, verifiable chain", async () => {
  const startAt = Date.now() + 4000; // both loaded (tsx) before either appends
  const results = await Promise.all([appender("A", startAt), appender("B", startAt)]);
  expect(results).toEqual([{ code: 0, stderr: "" }, { code: 0, stderr: "" }]);

  const rows = await log.db.auditEntry.findMany({ orderBy: { seq: "asc" }, select: { seq: true, actorId: true, prevHash: true, entryHash: true } });
  expect(rows).toHaveLength(2 * PER_PROCESS);
  expect(rows.map((r) => r.seq)).toEqual([...Array(2 * PER_PROCESS).keys()]);
  rows.slice(1).forEach((row, i) => expect(row.prevHash).toBe(rows[i]!.entryHash));
  // The processes really interleaved (A, then B, then A again, or the reverse). How often
  // depends on SQLite's busy-wait timing, so only the fact is asserted, not a count.
  const switches = rows.slice(1).filter((row, i) => row.actorId !== rows[i]!.actorId).length;
  expect(switches).toBeGreaterThanOrEqual(2);

  const result = await verifyExport(await exportLines(log), { backend: nodeEd25519, logKey: log.identity.vkey });
  expect(result).toMatchObject({ ok: true, entries: 2 * PER_PROCESS, checkpointSize: 2 * PER_PROCESS });
}, 120_000);
