/**
 * The webhook signing key file: created once (0600) apart from the audit log key, and a bad
 * file stops its use with one sentence instead of being replaced; the well-known URL then
 * answers 503 without saying where the file is.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "@/lib/config/env";
import { WEBHOOK_KEY_FILE, loadOrCreateWebhookKey } from "@/lib/webhooks/signing-key";
import { webhookKeyResponse } from "@/lib/webhooks/well-known";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-webhook-key-"));
  file = path.join(dir, WEBHOOK_KEY_FILE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the webhook signing key", () => {
  it("is created with mode 0600 and is the same key afterwards", () => {
    const key = loadOrCreateWebhookKey(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(loadOrCreateWebhookKey(dir).publicKey.keyId).toBe(key.publicKey.keyId);
  });

  it("a corrupt file stops with one sentence and is left as it is", () => {
    fs.writeFileSync(file, "garbage\n", { mode: 0o600 });
    expect(() => loadOrCreateWebhookKey(dir)).toThrow(ConfigError);
    expect(() => loadOrCreateWebhookKey(dir)).toThrow(/^The webhook signing key .* is corrupt \(.*\); restore it from a backup \(a new key would break every receiver that pinned this one\)\.$/);
    expect(fs.readFileSync(file, "utf8")).toBe("garbage\n");
  });

  it("a file other users can read is refused, naming the fix", () => {
    fs.writeFileSync(file, "x", { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => loadOrCreateWebhookKey(dir)).toThrow(`The webhook signing key ${file} is readable by other users (mode 644); run chmod 600 ${file}.`);
  });

  it("the well-known URL answers 503 problem+json when the key is unusable, without the path", async () => {
    fs.writeFileSync(file, "garbage\n", { mode: 0o600 });
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = webhookKeyResponse({ dataDir: dir });
    log.mockRestore();
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const text = await response.text();
    expect(text).toContain("webhook_key_unavailable");
    expect(text).not.toContain(dir);
  });
});
