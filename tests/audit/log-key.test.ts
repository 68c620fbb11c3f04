import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointIntervalSeconds } from "@/lib/audit/checkpoint-schedule";
import { LOG_KEY_FILE, loadOrCreateLogKey } from "@/lib/audit/log-key";
import { ConfigError } from "@/lib/config/env";
import { prepareHost } from "@/lib/config/startup";
import { parsePrivateKey } from "@/lib/protocol/key-parse";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-logkey-"));
  file = path.join(dir, LOG_KEY_FILE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("loadOrCreateLogKey", () => {
  it("creates a PKCS#8 PEM Ed25519 key with mode 0600 and returns the same key afterwards", () => {
    const first = loadOrCreateLogKey(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const parsed = parsePrivateKey(text);
    expect(parsed.ok && parsed.key.publicKey.keyId).toBe(first.publicKey.keyId);
    expect(loadOrCreateLogKey(dir).publicKey.keyId).toBe(first.publicKey.keyId);
  });

  it("refuses a key file other users can read, naming the fix", () => {
    loadOrCreateLogKey(dir);
    fs.chmodSync(file, 0o644);
    expect(() => loadOrCreateLogKey(dir)).toThrow(ConfigError);
    expect(() => loadOrCreateLogKey(dir)).toThrow(`The audit log key ${file} is readable by other users (mode 644); run chmod 600 ${file}.`);
    fs.chmodSync(file, 0o640);
    expect(() => loadOrCreateLogKey(dir)).toThrow(/readable by other users \(mode 640\)/);
  });

  it("refuses a corrupt key file instead of replacing the log's key", () => {
    fs.writeFileSync(file, "not a key\n", { mode: 0o600 });
    expect(() => loadOrCreateLogKey(dir)).toThrow(/^The audit log key .* is corrupt \(.*\); restore it from a backup/);
    expect(fs.readFileSync(file, "utf8")).toBe("not a key\n");
  });

  it("refuses a public key or a key of another type", () => {
    fs.writeFileSync(file, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n", { mode: 0o600 });
    expect(() => loadOrCreateLogKey(dir)).toThrow(/is corrupt \(this is a public key/);
  });

  it("refuses a key path that is not a regular file", () => {
    fs.mkdirSync(file, { mode: 0o700 });
    expect(() => loadOrCreateLogKey(dir)).toThrow(/is not a regular file/);
  });

  it("is created by prepareHost, with the rest of the data directory", async () => {
    await prepareHost({ PTERI_DATA_DIR: dir });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("stops prepareHost when the key is world-readable", async () => {
    loadOrCreateLogKey(dir);
    fs.chmodSync(file, 0o604);
    await expect(prepareHost({ PTERI_DATA_DIR: dir })).rejects.toThrow(/readable by other users/);
  });
});

describe("PTERI_CHECKPOINT_INTERVAL_SECONDS", () => {
  it("defaults to 60 seconds and accepts whole seconds", () => {
    expect(checkpointIntervalSeconds({})).toBe(60);
    expect(checkpointIntervalSeconds({ PTERI_CHECKPOINT_INTERVAL_SECONDS: " 5 " })).toBe(5);
  });

  it.each(["0", "-1", "1.5", "abc", "86401"])("refuses %j with the fix", (value) => {
    expect(() => checkpointIntervalSeconds({ PTERI_CHECKPOINT_INTERVAL_SECONDS: value })).toThrow(
      /^PTERI_CHECKPOINT_INTERVAL_SECONDS must be a whole number of seconds from 1 to 86400/,
    );
  });

  it("is checked by prepareHost before anything is created", async () => {
    await expect(prepareHost({ PTERI_DATA_DIR: path.join(dir, "d"), PTERI_CHECKPOINT_INTERVAL_SECONDS: "soon" })).rejects.toThrow(ConfigError);
    expect(fs.existsSync(path.join(dir, "d"))).toBe(false);
  });
});
