import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Runs a host script the way an operator would, and returns what they would see. */
function run(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("start-up errors are one actionable line, never a stack trace", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-start-"));
  const file = path.join(tmp, "not-a-dir");
  fs.writeFileSync(file, "");

  it.each([
    ["an unusable data directory", { PTERI_DATA_DIR: path.join(file, "data") }, /^pteri: Cannot create the data directory .*PTERI_DATA_DIR/],
    ["a bad port", { PORT: "eighty" }, /^pteri: PORT must be a number/],
  ])("npm start with %s", (_, env, message) => {
    const { status, stderr } = run("scripts/start.ts", [], env);
    expect(status).toBe(1);
    expect(stderr.trim()).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("npm start with a corrupt database file", () => {
    const dataDir = fs.mkdtempSync(path.join(tmp, "corrupt-"));
    fs.writeFileSync(path.join(dataDir, "pteri.db"), "garbage ".repeat(1000));
    const { status, stderr } = run("scripts/start.ts", [], { PTERI_DATA_DIR: dataDir });
    expect(status).toBe(1);
    expect(stderr.trim()).toMatch(/^pteri: The database file .*pteri\.db is corrupt or not a SQLite database/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("npm run admin lists its commands and reports unknown ones", () => {
    const help = run("scripts/admin.ts", ["--help"], {});
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run admin -- COMMAND/);
    expect(help.stdout).toMatch(/db-status/);
    const unknown = run("scripts/admin.ts", ["frobnicate"], {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("npm run admin -- db-status migrates a fresh data directory and reports it current", () => {
    const dataDir = fs.mkdtempSync(path.join(tmp, "admin-"));
    const { status, stdout } = run("scripts/admin.ts", ["db-status", "--json"], { PTERI_DATA_DIR: dataDir });
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ database: "sqlite", reachable: true, migrationsCurrent: true });
    expect(fs.statSync(path.join(dataDir, "session.secret")).mode & 0o777).toBe(0o600);
  });
});
