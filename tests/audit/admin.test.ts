/** The host commands: npm run admin -- audit-checkpoint / audit-export, then the CLI on the result. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCheckpoint } from "@/lib/audit/checkpoint";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { appendEvents, enroll, freshLog, machineRequest, PUBLIC_URL, type TestLog } from "./fixtures";
import { runCli, type CliResult } from "./helpers";
import { testDatabaseEnv } from "@/tests/helpers/database";

let log: TestLog;
beforeAll(async () => {
  log = await freshLog();
  const key = await enroll(log.db, "alpha");
  await appendEvents(log.db, 10);
  for (let i = 0; i < 5; i++) await machineRequest(log, key);
}, 60_000);
afterAll(() => log.close());

function admin(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], { env: { ...process.env, PTERI_DATA_DIR: log.dir, PTERI_PUBLIC_URL: PUBLIC_URL, ...testDatabaseEnv(log.dir) }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("npm run admin -- audit-checkpoint", () => {
  it("signs a checkpoint of the head, then reports that the log has not grown", async () => {
    const first = await admin(["audit-checkpoint"]);
    expect(first).toMatchObject({ code: 0, stderr: "pteri admin: signed a checkpoint at size 16\n" });
    expect((await verifyCheckpoint(first.stdout, [log.identity.vkey], nodeEd25519)).ok).toBe(true);
    const second = await admin(["audit-checkpoint", "--json"]);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ size: 16, created: false, note: first.stdout, vkey: log.identity.vkey });
  });
});

describe("npm run admin -- audit-export", () => {
  it("streams JSONL to stdout, records nothing, and the export verifies", async () => {
    const before = await log.db.auditEntry.count();
    const result = await admin(["audit-export"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.includes('"kind":"entry"'))).toHaveLength(16);
    expect(await log.db.auditEntry.count()).toBe(before);
    const file = path.join(log.dir, "all.jsonl");
    fs.writeFileSync(file, result.stdout);
    expect(await runCli(["audit", "verify", file, "--log-key", log.identity.vkey])).toMatchObject({ code: 0, stderr: "" });
  });

  it("writes a range to --out", async () => {
    const file = path.join(log.dir, "range.jsonl");
    const result = await admin(["audit-export", "--from", "3", "--to", "9", "--out", file]);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: `pteri admin: exported entries 3 to 9 to ${file}\n` });
    const verified = await runCli(["audit", "verify", file, "--log-key", log.identity.vkey, "--json"]);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, from: 3, to: 9, entries: 7, checkpointSize: 16 });
  });

  it("refuses a bad range or option in one line", async () => {
    expect(await admin(["audit-export", "--to", "99"])).toMatchObject({ code: 1, stderr: "pteri admin: --to 99 is past the last entry (seq 15).\n" });
    const bad = await admin(["audit-export", "--from", "x"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^pteri admin: --from must be an entry number \(seq\), got "x"\. Usage: npm run admin -- audit-export/);
    expect((await admin(["audit-export", "--color"])).stderr).toMatch(/^pteri admin: Unknown option '--color'/);
  });
});
