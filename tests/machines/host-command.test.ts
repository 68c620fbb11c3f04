/**
 * npm run admin -- enrollment-ticket: a ticket for provisioning scripts, printed once, that
 * really enrolls a machine with the profile asked for; mistakes are one clear line, exit 1.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/env";
import { createDb, type Db } from "@/lib/db/client";
import { enrollWithTicket } from "@/lib/machines/enrollment";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { testDeps } from "../auth/helpers";
import { enrollRequest } from "./helpers";
import { testDatabaseEnv } from "@/tests/helpers/database";

const PUBLIC = "https://console.example.com";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-admin-machines-"));
const env = { PTERI_DATA_DIR: dataDir, PTERI_PUBLIC_URL: PUBLIC, ...testDatabaseEnv(dataDir), PORT: "" };

type Run = { code: number; stdout: string; stderr: string };
function admin(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 50_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let created: Run;
let db: Db;
beforeAll(async () => {
  // The first run prepares (migrates) the database; the others may then run side by side.
  created = await admin("enrollment-ticket", "--name", "x", "--tag", "a", "--permission", "audit.read", "--no-confirm", "--json");
  db = createDb(loadConfig(env).databaseUrl);
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run admin -- enrollment-ticket", () => {
  it("--json prints the ticket and the command; the ticket enrolls an active machine with that profile", async () => {
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const out = JSON.parse(created.stdout) as { ticket: string; command: string; id: string; name: string; expiresAt: string; requireConfirmation: boolean; permissions: string[] };
    expect(out.ticket).toMatch(/^pteri_et_[A-Za-z0-9_-]{43}$/);
    expect(out.command).toBe(`npx pteri enroll --server ${PUBLIC} --ticket ${out.ticket}`);
    expect(out).toMatchObject({ name: "x", requireConfirmation: false, permissions: ["audit.read"] });
    const minutes = (Date.parse(out.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(13);
    expect(minutes).toBeLessThanOrEqual(15);

    const row = await db.enrollmentTicket.findUniqueOrThrow({ where: { id: out.id } });
    expect([row.createdByType, row.createdById]).toEqual(["host", "enrollment-ticket"]);
    expect(JSON.stringify(row)).not.toContain(out.ticket.slice(9));

    const key = await generateKeyPair(nodeEd25519);
    const config = { publicUrl: new URL(PUBLIC) };
    const result = await enrollWithTicket((await enrollRequest(key, out.ticket, { base: PUBLIC, sign: { now: () => Date.now() / 1000 } })).make(), testDeps(db, config, { now: Date.now }));
    expect(result.ok).toBe(true);
    expect(result.ok && result.machine).toMatchObject({ name: "x", tags: ["a"], permissions: ["audit.read"], status: "active", enrolledBy: { type: "host", id: "enrollment-ticket" } });
  });

  it("without --json, prints the command and says the machine waits for confirmation", async () => {
    const run = await admin("enrollment-ticket", "--name", "plain", "--environment", "prod", "--expires-in", "30");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^Enrollment ticket for machine "plain", valid until \S+ \(one use\):$/m);
    expect(run.stdout).toMatch(new RegExp(`^  npx pteri enroll --server ${PUBLIC.replace(/\./g, "\\.")} --ticket pteri_et_[A-Za-z0-9_-]{43}$`, "m"));
    expect(run.stdout).toMatch(/stays pending until an operator confirms its fingerprint/);
    const ticket = await db.enrollmentTicket.findFirstOrThrow({ where: { name: "plain" } });
    expect(ticket).toMatchObject({ environment: "prod", requireConfirmation: true });
    expect(ticket.expiresAt.getTime() - ticket.createdAt.getTime()).toBe(30 * 60_000);
  });

  it("mistakes: one clear line on stderr, exit 1, no ticket", async () => {
    const before = await db.enrollmentTicket.count();
    const [unknownPermission, missingName, badMinutes, tooShort, unknownOption] = await Promise.all([
      admin("enrollment-ticket", "--name", "x", "--permission", "root"),
      admin("enrollment-ticket", "--tag", "a"),
      admin("enrollment-ticket", "--name", "x", "--expires-in", "ten"),
      admin("enrollment-ticket", "--name", "x", "--expires-in", "2"),
      admin("enrollment-ticket", "--name", "x", "--colour", "red"),
    ]);
    const cases: [Run, RegExp][] = [
      [unknownPermission, /^pteri admin: enrollment-ticket: Unknown machine permission "root"; choose from machines\.enroll, intents\.verify, audit\.read\.$/],
      [missingName, /^pteri admin: --name is required\. Usage: npm run admin -- enrollment-ticket --name NAME/],
      [badMinutes, /^pteri admin: --expires-in is a number of minutes \(5 to 1440\), got "ten"\.$/],
      [tooShort, /^pteri admin: enrollment-ticket: An enrollment ticket expires in 5 minutes to 24 hours\.$/],
      [unknownOption, /^pteri admin: Unknown option '--colour'/],
    ];
    for (const [run, message] of cases) {
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
    }
    expect(await db.enrollmentTicket.count()).toBe(before);
  }, 55_000);
});
