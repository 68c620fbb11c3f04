/**
 * Every Console instance on one database holds the same key files: the first start records
 * their fingerprints, a start with other files is refused with the fix, and
 * `npm run admin -- adopt-keys` makes a data directory's files the database's.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateLogKey } from "@/lib/audit/log-key";
import { ConfigError, loadConfig } from "@/lib/config/env";
import { checkInstanceKeys, HOST_KEYS_SETTING, KEY_FILES, KEYS_DIFFER_FIX } from "@/lib/config/instance-keys";
import { prepareHost } from "@/lib/config/startup";
import { createDb, type Db } from "@/lib/db/client";
import { prepareDatabase } from "@/lib/db/prepare";
import { loadOrCreateWebhookKey } from "@/lib/webhooks/signing-key";
import { dropTestDatabase, testDatabaseEnv, testDatabaseUrl } from "@/tests/helpers/database";

const PUBLIC_URL = "https://console.example.com";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-instance-keys-"));
const dirs: string[] = [];

function dataDir(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { mode: 0o700 });
  dirs.push(dir);
  return dir;
}

const first = dataDir("first");
/** The first directory's database, which every other directory here shares. */
const sharedUrl = testDatabaseUrl(first) || `file:${path.join(first, "pteri.db")}`;
const envOf = (dir: string) => ({ PTERI_DATA_DIR: dir, PTERI_PUBLIC_URL: PUBLIC_URL, DATABASE_URL: sharedUrl, PORT: "" });

let db: Db;
beforeAll(async () => {
  await prepareHost(envOf(first));
  db = createDb(sharedUrl);
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  for (const dir of dirs) await dropTestDatabase(dir);
  fs.rmSync(work, { recursive: true, force: true });
});

function admin(dir: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], { env: { ...process.env, ...envOf(dir) }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function copyKeyFiles(from: string, to: string, files: readonly string[] = KEY_FILES): void {
  for (const file of files) fs.copyFileSync(path.join(from, file), path.join(to, file));
}

const sessionSecret = (dir: string) => fs.readFileSync(path.join(dir, "session.secret"), "utf8").trim();

function fingerprintsOf(dir: string): Record<string, string> {
  return {
    "audit-log-key.pem": loadOrCreateLogKey(dir).publicKey.keyId,
    "webhook-signing-key.pem": loadOrCreateWebhookKey(dir).publicKey.keyId,
    "session.secret": createHash("sha256").update(sessionSecret(dir)).digest("hex"),
  };
}

async function recorded(): Promise<unknown> {
  const row = await db.setting.findUniqueOrThrow({ where: { key: HOST_KEYS_SETTING } });
  return JSON.parse(row.value);
}

describe("the key files of instances sharing a database", () => {
  it("are recorded by the first start as public key ids and the session secret's SHA-256, never the secrets", async () => {
    expect(await recorded()).toEqual(fingerprintsOf(first));
    const { value } = await db.setting.findUniqueOrThrow({ where: { key: HOST_KEYS_SETTING } });
    expect(value).not.toContain(sessionSecret(first));
    expect(value).not.toContain(fs.readFileSync(path.join(first, "audit-log-key.pem"), "utf8").split("\n")[1]);
  });

  it("let the same data directory start again", async () => {
    await expect(prepareHost(envOf(first))).resolves.toMatchObject({ appliedMigrations: [] });
    expect(await recorded()).toEqual(fingerprintsOf(first));
  });

  it("refuse a second data directory that created its own keys, naming every file and the fix", async () => {
    const second = dataDir("fresh");
    const refusal = prepareHost(envOf(second));
    await expect(refusal).rejects.toThrow(ConfigError);
    await expect(refusal).rejects.toThrow(
      `The key files ${second}/audit-log-key.pem, ${second}/webhook-signing-key.pem and ${second}/session.secret differ from the ones this database records; ${KEYS_DIFFER_FIX}.`,
    );
    expect(await recorded()).toEqual(fingerprintsOf(first)); // the refused start changed nothing
  });

  it("name only the file that differs, and accept the directory once it holds the right copies", async () => {
    const copied = dataDir("copied");
    copyKeyFiles(first, copied, ["webhook-signing-key.pem", "session.secret"]); // the start creates its own log key
    await expect(prepareHost(envOf(copied))).rejects.toThrow(
      new RegExp(`^The key file ${copied}/audit-log-key\\.pem differs from the one this database records; copy audit-log-key\\.pem, webhook-signing-key\\.pem and session\\.secret from an instance`),
    );
    copyKeyFiles(first, copied, ["audit-log-key.pem"]);
    await expect(prepareHost(envOf(copied))).resolves.toBeDefined();
  });

  it("are recorded once when two instances start at the same moment on a fresh database", async () => {
    const fresh = dataDir("together");
    const env = { PTERI_DATA_DIR: fresh, PTERI_PUBLIC_URL: PUBLIC_URL, ...testDatabaseEnv(fresh), PORT: "" };
    // Migrated first, so that the starts race on recording the keys, not on migrating (PostgreSQL
    // serializes migrations under a lock, tests/postgresql/database.test.ts; SQLite's schema
    // engine locks the file and cannot migrate it from two clients at once).
    await prepareDatabase(loadConfig(env));
    const results = await Promise.allSettled([prepareHost(env), prepareHost(env), prepareHost(env)]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status))).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    const own = createDb(loadConfig(env).databaseUrl);
    try {
      const rows = await own.setting.findMany({ where: { key: HOST_KEYS_SETTING } });
      expect(rows.map((r) => JSON.parse(r.value))).toEqual([fingerprintsOf(fresh)]);
    } finally {
      await own.$disconnect();
    }
  }, 60_000);

  it("are recorded once when the checks themselves race, each on its own connection", async () => {
    const fresh = dataDir("raced");
    const config = loadConfig({ PTERI_DATA_DIR: fresh, ...testDatabaseEnv(fresh) });
    await prepareDatabase(config);
    const clients = [1, 2, 3].map(() => createDb(config.databaseUrl));
    try {
      await Promise.all(clients.map((client) => client.$connect()));
      const results = await Promise.allSettled(clients.map((client) => checkInstanceKeys(client, fresh)));
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status))).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      const rows = await clients[0]!.setting.findMany({ where: { key: HOST_KEYS_SETTING } });
      expect(rows.map((r) => JSON.parse(r.value))).toEqual([fingerprintsOf(fresh)]);
    } finally {
      await Promise.all(clients.map((client) => client.$disconnect()));
    }
  }, 60_000);

  it("are refused by admin commands too, and adopt-keys makes another directory's the database's, with one audit entry", async () => {
    const replacement = dataDir("replacement");
    const refused = admin(replacement, "db-status");
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^pteri admin: The key files .*audit-log-key\.pem.* differ from the ones this database records; copy /)]);

    const before = fingerprintsOf(first);
    const adopted = admin(replacement, "adopt-keys");
    expect(adopted.status, adopted.stderr).toBe(0);
    const after = fingerprintsOf(replacement);
    expect(adopted.stdout).toContain(`audit-log-key.pem        ${before["audit-log-key.pem"]} -> ${after["audit-log-key.pem"]}`);
    expect(adopted.stdout).toContain(`session.secret           ${before["session.secret"]} -> ${after["session.secret"]}`);
    expect(await recorded()).toEqual(after);

    await expect(prepareHost(envOf(replacement))).resolves.toBeDefined();
    await expect(prepareHost(envOf(first))).rejects.toThrow(/^The key files .*first\/audit-log-key\.pem, .*first\/webhook-signing-key\.pem and .*first\/session\.secret differ/);

    const entries = await db.auditEntry.findMany({ where: { type: "host.keys_adopted" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorType: "host", actorId: "adopt-keys" });
    const evidence = JSON.parse(entries[0]!.evidence);
    expect(evidence).toEqual({ previous: before, adopted: after, changed: [...KEY_FILES] });
    expect(entries[0]!.evidence).not.toContain(sessionSecret(replacement));

    // Adopting what the database already expects changes nothing and records nothing.
    const again = admin(replacement, "adopt-keys", "--json");
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: [] });
    expect(await db.auditEntry.count({ where: { type: "host.keys_adopted" } })).toBe(1);
  }, 120_000);
});
