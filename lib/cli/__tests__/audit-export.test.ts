import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendEvents, exportLines, freshLog, type TestLog } from "../../../tests/audit/fixtures";
import { parsePrivateKey } from "../../protocol";
import { startFakeConsole, type FakeConsole } from "../../sdk/__tests__/fake-console";
import { expectOneErrorLine, runCli, tempDir } from "./run";

let fake: FakeConsole;
let log: TestLog;
let exported: string;
const dir = tempDir();
const reader = path.join(dir, "reader.pem");
const plain = path.join(dir, "plain.pem");

async function register(file: string, permissions: string[]): Promise<void> {
  await runCli(["keygen", "--out", file]);
  const parsed = parsePrivateKey(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.reason);
  fake.addMachine(parsed.key.publicKey.jwk, permissions);
}

beforeAll(async () => {
  fake = await startFakeConsole();
  // A real export of a real (small) log, served by the fake Console as the body.
  log = await freshLog();
  await appendEvents(log.db, 12, "exported event");
  exported = `${(await exportLines(log)).join("\n")}\n`;
  fake.exportBody = exported;
  await register(reader, ["audit.read"]);
  await register(plain, []);
}, 60_000);
afterAll(async () => {
  await fake.close();
  await log.close();
});

const auditExport = (...args: string[]) => runCli(["audit", "export", "--server", fake.url, ...args]);

describe("pteri audit export", () => {
  it("writes the export with a signed GET; pteri audit verify accepts the file", async () => {
    const out = path.join(tempDir(), "audit.jsonl");
    const r = await auditExport("--key", reader, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(readFileSync(out, "utf8")).toBe(exported);
    expect(r.stdout).toContain(`Wrote the audit export (entries 0 to 11 of log ${log.identity.origin}, ${Buffer.byteLength(exported)} bytes) to ${out}.\n`);
    expect(r.stdout).toContain(`Check it offline: pteri audit verify ${out} --log-key log-key.json (the log key from ${fake.url}/.well-known/pteri-log-key`);
    const seen = fake.requests.at(-1);
    if (!seen?.verified?.ok) throw new Error("expected a verified request");
    expect(seen).toMatchObject({ method: "GET", path: "/api/v1/audit/export" });
    expect(seen.verified.components).toEqual(["@method", "@target-uri"]);

    const verified = await runCli(["audit", "verify", out, "--log-key", log.identity.vkey]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: entries 0 to 11 of log /);
  });

  it("streams to stdout by default (the hint goes to stderr); --json needs --out and then summarizes", async () => {
    const r = await auditExport("--key", reader);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(exported);
    expect(r.stderr).toMatch(/^Exported entries 0 to 11 of log .*Save it to a file and check it offline: pteri audit verify FILE/);
    const noOut = await auditExport("--key", reader, "--json");
    expect(noOut.code).toBe(2);
    expect(expectOneErrorLine(noOut)).toMatch(/--json needs --out FILE/);
    const out = path.join(tempDir(), "a.jsonl");
    const json = await auditExport("--key", reader, "--out", out, "--json");
    expect(JSON.parse(json.stdout)).toEqual({ file: out, bytes: Buffer.byteLength(exported), from: 0, to: 11, origin: log.identity.origin });
  });

  it("a machine without audit.read gets one clear line (exit 1) and no file", async () => {
    const out = path.join(tempDir(), "denied.jsonl");
    const r = await auditExport("--key", plain, "--out", out);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toBe(
      "pteri: audit export refused (machine_permission_missing): This machine lacks the audit.read permission; an editor can grant it on the machine's page.",
    );
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("never overwrites --out", async () => {
    const out = path.join(tempDir(), "existing.jsonl");
    writeFileSync(out, "keep me");
    const r = await auditExport("--key", reader, "--out", out);
    expect(r.code).toBe(1);
    expect(expectOneErrorLine(r)).toMatch(/already exists; pteri audit export never overwrites/);
    expect(readFileSync(out, "utf8")).toBe("keep me");
  });

  it("refuses an answer that is not an export, writing nothing", async () => {
    fake.exportBody = "<html>login</html>\n";
    try {
      const out = path.join(tempDir(), "html.jsonl");
      const r = await auditExport("--key", reader, "--out", out);
      expect(r.code).toBe(1);
      expect(expectOneErrorLine(r)).toMatch(/not an audit export/);
      expect(existsSync(out)).toBe(false);
      const stdout = await auditExport("--key", reader);
      expect(stdout.code).toBe(1);
      expect(stdout.stdout).toBe("");
    } finally {
      fake.exportBody = exported;
    }
  });

  it("streams a large export in chunks, byte for byte", async () => {
    const header = exported.slice(0, exported.indexOf("\n") + 1);
    const line = `${JSON.stringify({ kind: "entry", filler: "x".repeat(1000) })}\n`;
    fake.exportBody = async function* () {
      yield header.slice(0, 10); // the header split across chunks
      yield header.slice(10);
      for (let i = 0; i < 8000; i++) yield line;
    };
    try {
      const out = path.join(tempDir(), "big.jsonl");
      const r = await auditExport("--key", reader, "--out", out, "--json");
      expect(r.code).toBe(0);
      const expectedBytes = Buffer.byteLength(header) + 8000 * Buffer.byteLength(line);
      expect(JSON.parse(r.stdout).bytes).toBe(expectedBytes);
      const written = readFileSync(out, "utf8");
      expect(written.length).toBe(expectedBytes);
      expect(written.startsWith(header + line)).toBe(true);
    } finally {
      fake.exportBody = exported;
    }
  });

  it("deletes the partial file when the download is cut off", async () => {
    const header = exported.slice(0, exported.indexOf("\n") + 1);
    fake.exportBody = async function* () {
      yield header;
      for (let i = 0; i < 200; i++) yield `${JSON.stringify({ kind: "entry", filler: "y".repeat(1000) })}\n`;
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error("connection lost");
    };
    try {
      const out = path.join(tempDir(), "cut.jsonl");
      const r = await auditExport("--key", reader, "--out", out);
      expect(r.code).toBe(1);
      expect(expectOneErrorLine(r)).toMatch(/^pteri: audit export failed: the download was cut off \(.*\); the partial file .*cut\.jsonl was deleted$/);
      expect(existsSync(out)).toBe(false);
    } finally {
      fake.exportBody = exported;
    }
  });
});
