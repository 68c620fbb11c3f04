import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprint, parsePrivateKey } from "../../protocol";
import { startFakeConsole, type FakeConsole } from "../../sdk/__tests__/fake-console";
import { expectOneErrorLine, runCli, tempDir, type CliResult } from "./run";

const BIN = path.resolve(import.meta.dirname, "../../../bin/pteri.mjs");
let fake: FakeConsole;

beforeAll(async () => {
  fake = await startFakeConsole();
});
afterAll(() => fake.close());

/** runCli in a given working directory (for the default key file). */
function runIn(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, PTERI_DEBUG: "", PTERI_ENROLLMENT_TICKET: "", ...env }, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function keyIdOf(file: string): string {
  const parsed = parsePrivateKey(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.key.publicKey.keyId;
}

const enroll = (...args: string[]) => runCli(["enroll", "--server", fake.url, ...args], { env: { ...process.env, PTERI_ENROLLMENT_TICKET: "" } });

describe("pteri enroll", () => {
  it("generates ./pteri-machine.pem (mode 0600), enrolls it and prints its fingerprint prominently", async () => {
    const dir = tempDir();
    const r = await runIn(dir, ["enroll", "--server", fake.url, "--ticket", fake.ticket()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const file = path.join(dir, "pteri-machine.pem");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keyId = keyIdOf(file);
    const machine = [...fake.machines.values()].find((m) => m.keyId === keyId);
    expect(machine?.status).toBe("pending");
    expect(r.stdout).toContain(`\n  fingerprint:  ${fingerprint(keyId)}\n`);
    expect(r.stdout).toContain("Compare this fingerprint with the one shown in the Console before confirming.");
    expect(r.stdout).toContain(`machine id:   ${machine?.id}\n`);
    expect(r.stdout).toContain(`key id:       ${keyId}\n`);
    expect(r.stdout).toContain("status:       pending\n");
    expect(r.stdout).toContain(`key file:     ${file} (new, mode 0600)\n`);
    expect(r.stdout).not.toContain("PRIVATE KEY");
  });

  it("--json prints exactly {machineId, keyId, fingerprint, status, keyFile, confirmationRequired}", async () => {
    const file = path.join(tempDir(), "m.pem");
    const r = await enroll("--ticket", fake.ticket({ confirm: false }), "--out", file, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["machineId", "keyId", "fingerprint", "status", "keyFile", "confirmationRequired"]);
    const keyId = keyIdOf(file);
    expect(out).toEqual({ machineId: expect.stringMatching(/^mch_/), keyId, fingerprint: fingerprint(keyId), status: "active", keyFile: file, confirmationRequired: false });
    expect(fake.machines.get(out.machineId)?.keyId).toBe(keyId);
  });

  it("takes the ticket from PTERI_ENROLLMENT_TICKET, and --ticket wins over it", async () => {
    const dir = tempDir();
    const fromEnv = await runIn(dir, ["enroll", "--server", fake.url, "--json"], { PTERI_ENROLLMENT_TICKET: `${fake.ticket()}\n` });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout).status).toBe("pending");
    const both = await runIn(dir, ["enroll", "--server", fake.url, "--ticket", fake.ticket(), "--out", "second.pem", "--json"], { PTERI_ENROLLMENT_TICKET: "pteri_et_nonsense" });
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout).keyFile).toBe(path.join(dir, "second.pem"));
  });

  it("refuses a malformed or missing ticket locally: exit 2, no request, no key file, ticket not echoed", async () => {
    const dir = tempDir();
    const before = fake.requests.length;
    const bad = await runIn(dir, ["enroll", "--server", fake.url, "--ticket", "pteri_et_secretbutshort"]);
    expect(bad.code).toBe(2);
    expect(expectOneErrorLine(bad)).toMatch(/^pteri: the ticket is not an enrollment ticket \(pteri_et_ followed by 43 characters\)/);
    expect(bad.stderr).not.toContain("secretbutshort");
    const missing = await runIn(dir, ["enroll", "--server", fake.url]);
    expect(missing.code).toBe(2);
    expect(expectOneErrorLine(missing)).toMatch(/missing --ticket TICKET \(or set PTERI_ENROLLMENT_TICKET\)/);
    expect(existsSync(path.join(dir, "pteri-machine.pem"))).toBe(false);
    expect(fake.requests.length).toBe(before);
  });

  it("refuses a bad --server, or --key with --out, as usage errors before making a key", async () => {
    const dir = tempDir();
    for (const args of [
      ["--server", `${fake.url}/machines?x=1`, "--ticket", fake.ticket()],
      ["--ticket", fake.ticket()],
      ["--server", fake.url, "--ticket", fake.ticket(), "--key", "a.pem", "--out", "b.pem"],
    ]) {
      const r = await runIn(dir, ["enroll", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expectOneErrorLine(r);
    }
    expect(existsSync(path.join(dir, "pteri-machine.pem"))).toBe(false);
  });

  it("a refusal (ticket_invalid) is one line, exit 1, and the key generated for it is deleted", async () => {
    const ticket = fake.ticket();
    expect((await enroll("--ticket", ticket, "--out", path.join(tempDir(), "first.pem"))).code).toBe(0);
    const file = path.join(tempDir(), "second.pem");
    const r = await enroll("--ticket", ticket, "--out", file);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toBe(
      `pteri: enrollment refused (ticket_invalid): This enrollment ticket is not valid: it is unknown, used, expired or revoked. Ask for a new one in the Console. (the unused new key ${file} was deleted)`,
    );
    expect(r.stdout).toBe("");
    expect(existsSync(file)).toBe(false);
  });

  it("never overwrites an existing --out (exit 1, file untouched, nothing sent)", async () => {
    const file = path.join(tempDir(), "existing.pem");
    writeFileSync(file, "precious");
    const before = fake.requests.length;
    const r = await enroll("--ticket", fake.ticket(), "--out", file);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/already exists; pteri never overwrites a key/);
    expect(readFileSync(file, "utf8")).toBe("precious");
    expect(fake.requests.length).toBe(before);
    const dir = tempDir();
    writeFileSync(path.join(dir, "pteri-machine.pem"), "also precious");
    expect((await runIn(dir, ["enroll", "--server", fake.url, "--ticket", fake.ticket()])).code).toBe(1);
    expect(readFileSync(path.join(dir, "pteri-machine.pem"), "utf8")).toBe("also precious");
  });

  it("--key enrolls an existing key, and keeps it when the server refuses", async () => {
    const file = path.join(tempDir(), "own.pem");
    await runCli(["keygen", "--out", file]);
    const pem = readFileSync(file, "utf8");
    const r = await enroll("--ticket", fake.ticket(), "--key", file, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ keyId: keyIdOf(file), keyFile: file });
    const again = await enroll("--ticket", fake.ticket(), "--key", file);
    expect(again.code).toBe(1);
    expect(expectOneErrorLine(again)).toBe("pteri: enrollment refused (key_already_enrolled): This public key is already enrolled.");
    expect(readFileSync(file, "utf8")).toBe(pem);
    const text = await enroll("--ticket", fake.ticket(), "--key", path.join(tempDir(), "missing.pem"));
    expect(text.code).toBe(1);
    expect(expectOneErrorLine(text)).toMatch(/cannot read key file ".*missing\.pem": no such file/);
  });

  it("deletes the new key when the server cannot be reached, keeps it when the outcome is unknown (5xx)", async () => {
    const closed = await startFakeConsole();
    await closed.close();
    const gone = path.join(tempDir(), "gone.pem");
    const unreachable = await runCli(["enroll", "--server", closed.url, "--ticket", fake.ticket(), "--out", gone]);
    expect(unreachable.code).toBe(1);
    expect(expectOneErrorLine(unreachable)).toMatch(/^pteri: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.* \(the unused new key .*gone\.pem was deleted\)$/);
    expect(existsSync(gone)).toBe(false);

    const broken = createServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("boom");
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    try {
      const kept = path.join(tempDir(), "kept.pem");
      const r = await runCli(["enroll", "--server", `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, "--ticket", fake.ticket(), "--out", kept]);
      expect(r.code).toBe(1);
      expect(expectOneErrorLine(r)).toBe(
        `pteri: enrollment failed (http_500): HTTP 500 Internal Server Error (the new key was kept in ${kept}; if the Console does not list this machine, run again with --key ${kept})`,
      );
      expect(existsSync(kept)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => broken.close(() => resolve()));
    }
  });
});
