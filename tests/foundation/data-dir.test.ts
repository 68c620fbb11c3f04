import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ensureDataDir, loadOrCreateSecret } from "@/lib/config/data-dir";
import { ConfigError } from "@/lib/config/env";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-datadir-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("ensureDataDir", () => {
  it("creates a missing directory", () => {
    const target = path.join(dir, "nested", "data");
    ensureDataDir(target);
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });

  it("refuses a data directory that is a file", () => {
    const file = path.join(dir, "file");
    fs.writeFileSync(file, "");
    expect(() => ensureDataDir(file)).toThrow(/is not a directory/);
  });

  it("refuses a data directory that cannot be created", () => {
    const file = path.join(dir, "file");
    fs.writeFileSync(file, "");
    expect(() => ensureDataDir(path.join(file, "data"))).toThrow(/Cannot create the data directory .* \(ENOTDIR\); set PTERI_DATA_DIR/);
  });
});

describe("loadOrCreateSecret", () => {
  it("creates a 256-bit secret with mode 0600 and returns the same value afterwards", () => {
    const first = loadOrCreateSecret(dir, "session");
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(path.join(dir, "session.secret")).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(dir, "session")).toBe(first);
  });

  it("refuses a corrupt secret instead of silently replacing it", () => {
    fs.writeFileSync(path.join(dir, "session.secret"), "short", { mode: 0o600 });
    expect(() => loadOrCreateSecret(dir, "session")).toThrow(ConfigError);
    expect(fs.readFileSync(path.join(dir, "session.secret"), "utf8")).toBe("short");
  });

  it("never shows another instance a half-written secret, and keeps the one created first", () => {
    const file = path.join(dir, "session.secret");
    const theirs = "b".repeat(43);
    const link = fs.linkSync;
    const spy = vi.spyOn(fs, "linkSync").mockImplementation((from, to) => {
      // Just before this process's secret appears, nothing (not an empty file) is there...
      expect(fs.existsSync(file)).toBe(false);
      // ...and another Console instance, starting at the same moment, creates its secret first.
      fs.writeFileSync(file, `${theirs}\n`, { mode: 0o600 });
      link(from, to);
    });
    try {
      expect(loadOrCreateSecret(dir, "session")).toBe(theirs);
    } finally {
      spy.mockRestore();
    }
    expect(fs.readdirSync(dir)).toEqual(["session.secret"]); // nothing left aside
  });

  it("refuses a secret other users can read", () => {
    loadOrCreateSecret(dir, "session");
    fs.chmodSync(path.join(dir, "session.secret"), 0o644);
    expect(() => loadOrCreateSecret(dir, "session")).toThrow(/readable by other users .* chmod 600/);
  });
});
