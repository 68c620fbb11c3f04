import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/env";
import { startupNotices } from "@/scripts/startup-notices";
import { testDatabaseEnv } from "@/tests/helpers/database";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-admin-ops-"));
const env = { PTERI_DATA_DIR: dataDir, PTERI_PUBLIC_URL: "https://console.example.com", ...testDatabaseEnv(dataDir), PORT: "" };
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function admin(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run admin -- setup-link / invite-operator", () => {
  it("setup-link prints a fragment link on the public URL while no operator exists", () => {
    const { status, stdout } = admin("setup-link", "--json");
    expect(status).toBe(0);
    const { url, expiresAt } = JSON.parse(stdout) as { url: string; expiresAt: string };
    expect(url).toMatch(/^https:\/\/console\.example\.com\/setup#token=[A-Za-z0-9_-]{43}$/);
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
  });

  it("invite-operator prints a one-time invitation with the roles and expiry asked for", () => {
    const { status, stdout } = admin("invite-operator", "--role", "approver", "--role", "auditor", "--name", "Oncall Olga", "--expires-in", "90", "--json");
    expect(status).toBe(0);
    const out = JSON.parse(stdout) as { url: string; roles: string[]; name: string; expiresAt: string };
    expect(out.url).toMatch(/^https:\/\/console\.example\.com\/invite#token=[A-Za-z0-9_-]{43}$/);
    expect(out.roles).toEqual(["approver", "auditor"]);
    expect(out.name).toBe("Oncall Olga");
    expect(Math.round((Date.parse(out.expiresAt) - Date.now()) / 60_000)).toBe(90);
  });

  it.each([
    [["invite-operator"], /at least one --role/],
    [["invite-operator", "--role", "root"], /unknown role "root"/],
    [["invite-operator", "--role", "admin", "--expires-in", "0"], /--expires-in takes whole minutes/],
    [["invite-operator", "--role", "admin", "--bogus"], /unknown option --bogus/],
  ])("invite-operator %j explains the mistake in one line", (args, message) => {
    const { status, stderr } = admin(...args);
    expect(status).toBe(1);
    expect(stderr.trim()).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("what npm start prints", () => {
  const config = loadConfig({ PTERI_PUBLIC_URL: "https://console.example.com", PTERI_DATA_DIR: dataDir, ...testDatabaseEnv(dataDir) });

  it("a setup link while no operator exists", () => {
    const lines = startupNotices(config, { url: "https://console.example.com/setup#token=T", expiresAt: new Date("2030-01-01T00:00:00Z") }).join("\n");
    expect(lines).toContain("Sign in: open https://console.example.com/setup#token=T");
    expect(lines).toContain("npm run admin -- setup-link");
  });

  it("the sign-in page once operators exist", () => {
    expect(startupNotices(config, null)).toContain("Sign in at https://console.example.com/sign-in");
  });
});
