/**
 * Export and offline verification of an honest log: whole and partial ranges, the log key
 * pinned or not, a checkpoint signed by another key, and the CLI's options and output.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signNote } from "@/lib/audit/checkpoint";
import { webCryptoVerifier } from "@/lib/protocol/ed25519-webcrypto";
import { ExportRangeError, resolveExportRange } from "@/lib/audit/export";
import { UNPINNED_LOG_KEY_WARNING, verifyExport } from "@/lib/audit/verify-export";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { nobleEd25519 } from "@/lib/protocol/ed25519-noble";
import { generateKeyPair } from "@/lib/protocol/keys";
import { appendEvents, enroll, exportLines, freshLog, machineRequest, writeExport, type TestLog } from "./fixtures";
import { runCli } from "./helpers";

let log: TestLog;
let all: string[];
beforeAll(async () => {
  log = await freshLog();
  const keys = [await enroll(log.db, "alpha"), await enroll(log.db, "beta"), await enroll(log.db, "gamma")];
  for (let i = 0; i < 40; i++) {
    if (i % 4 === 0) await appendEvents(log.db, 1, `event ${i}`);
    else await machineRequest(log, keys[i % 3]!, i % 2 ? JSON.stringify({ i }) : undefined);
  }
  all = await exportLines(log);
}, 60_000);
afterAll(() => log.close());

const kinds = (lines: string[]) => lines.map((l) => (JSON.parse(l) as { kind: string }).kind);

describe("export", () => {
  it("writes header, machine keys, entries in order, then a signed checkpoint", () => {
    const k = kinds(all);
    expect(k[0]).toBe("header");
    expect(k.filter((x) => x === "key")).toHaveLength(3);
    expect(k.filter((x) => x === "entry")).toHaveLength(43);
    expect(k.at(-1)).toBe("checkpoint");
    expect(JSON.parse(all[0]!)).toMatchObject({ format: "pteri-audit-export", version: 1, origin: "localhost:3000/audit", logKey: log.identity.vkey, from: 0, to: 42 });
  });

  it("only includes the keys of machines that acted in the range", async () => {
    const lines = await exportLines(log, 0, 2); // the three registrations, by the host
    expect(kinds(lines)).toEqual(["header", "entry", "entry", "entry", "checkpoint", "consistency"]);
  });

  it("refuses ranges outside the log with the fix", async () => {
    await expect(resolveExportRange(log.db, 5, 3)).rejects.toThrow(ExportRangeError);
    await expect(resolveExportRange(log.db, 0, 43)).rejects.toThrow("--to 43 is past the last entry (seq 42).");
    await expect(resolveExportRange(log.db, 45)).rejects.toThrow("--from 45 is past the end of the log (43 entries).");
    expect(await resolveExportRange(log.db, 43)).toEqual({ from: 43, to: 42 });
  });
});

describe("verifyExport", () => {
  it("verifies the whole log with the pinned key, with any back end", async () => {
    for (const backend of [nodeEd25519, nobleEd25519, webCryptoVerifier(nodeEd25519)]) {
      const result = await verifyExport(all, { backend, logKey: log.identity.vkey });
      expect(result).toMatchObject({ ok: true, from: 0, to: 42, entries: 43, machineSignatures: 30, checkpointSize: 43, logKeyPinned: true, warnings: [] });
    }
  });

  it("verifies partial ranges: the frontier continues the tree, the consistency proof reaches the checkpoint", async () => {
    for (const [from, to] of [[0, 0], [1, 1], [5, 20], [16, 31], [17, 42], [42, 42], [43, 42], [20, 19]] as const) {
      const result = await verifyExport(await exportLines(log, from, to), { backend: nodeEd25519, logKey: log.identity.vkey });
      expect(result, `${from}..${to}`).toMatchObject({ ok: true, from, to, entries: to - from + 1 });
    }
  });

  it("warns loudly when the log key comes only from the export itself", async () => {
    const result = await verifyExport(all, { backend: nodeEd25519 });
    expect(result).toMatchObject({ ok: true, logKeyPinned: false, warnings: [UNPINNED_LOG_KEY_WARNING] });
  });

  it("rejects a checkpoint signed by another key, even if the export's header names that key", async () => {
    const other = await generateKeyPair(nodeEd25519);
    const cpLine = all.findIndex((l) => l.includes('"kind":"checkpoint"'));
    const note = (JSON.parse(all[cpLine]!) as { note: string }).note;
    const body = note.slice(0, note.indexOf("\n\n") + 1);
    const forged = await signNote(body, { name: log.identity.origin, seed: other.seed }, nodeEd25519);
    const lines = all.map((l, i) => (i === cpLine ? JSON.stringify({ kind: "checkpoint", note: forged }) : l));
    const result = await verifyExport(lines, { backend: nodeEd25519, logKey: log.identity.vkey });
    expect(result).toMatchObject({ ok: false, code: "checkpoint_invalid" });
    expect(result.ok || result.message).toMatch(/^the checkpoint is not validly signed by the log key/);
  });

  it("names a truncated file", async () => {
    const noCheckpoint = await verifyExport(all.slice(0, -1), { backend: nodeEd25519, logKey: log.identity.vkey });
    expect(noCheckpoint).toMatchObject({ ok: false, code: "checkpoint_missing" });
    const cut = await verifyExport(all.slice(0, 20) /* header, 3 keys, entries 0..15 */, { backend: nodeEd25519, logKey: log.identity.vkey });
    expect(cut).toMatchObject({ ok: false, code: "range_mismatch" });
    expect(cut.ok || cut.message).toMatch(/^the export ends after entry 15, but its header promises entries up to 42/);
  });
});

describe("pteri audit verify", () => {
  let file: string;
  beforeAll(() => {
    file = writeExport(log, all);
  });

  it("exits 0 with a report, taking the log key from a file holding /.well-known/pteri-log-key", async () => {
    const keyFile = path.join(log.dir, "log-key.json");
    fs.writeFileSync(keyFile, JSON.stringify({ origin: log.identity.origin, vkey: log.identity.vkey }));
    const result = await runCli(["audit", "verify", file, "--log-key", keyFile]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("OK: entries 0 to 42 of log localhost:3000/audit verified (43 entries).");
    expect(result.stdout).toContain("30 Ed25519 signatures verified");
  });

  it("--json prints the result; without --log-key the warning goes to stderr", async () => {
    const result = await runCli(["audit", "verify", file, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, entries: 43, logKeyPinned: false });
    expect(result.stderr).toBe(`pteri: ${UNPINNED_LOG_KEY_WARNING}\n`);
  });

  it("--progress draws the progress bar on stderr", async () => {
    const result = await runCli(["audit", "verify", file, "--log-key", log.identity.vkey, "--progress"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^verifying 100\.0% \[#{24}\] 43 entries {2}[\d,]+\/s {2}in \d+:\d\d\n$/);
  });

  it("fails with another log key: exit 1 and one line naming why", async () => {
    const other = await generateKeyPair(nodeEd25519);
    const { formatVkey } = await import("@/lib/audit/checkpoint");
    const vkey = formatVkey({ name: log.identity.origin, publicKey: other.publicKey.raw });
    const result = await runCli(["audit", "verify", file, "--log-key", vkey]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pteri: The export names a different log key than --log-key; only --log-key is trusted.\npteri: the checkpoint is not validly signed by the log key \(note has no signature from a trusted key\)\n$/);
  });

  it("usage errors exit 2; a missing file exits 1", async () => {
    expect((await runCli(["audit", "verify"])).code).toBe(2);
    expect((await runCli(["audit", "verify", file, "--log-key", "not-a-key"])).code).toBe(2);
    const missing = await runCli(["audit", "verify", path.join(log.dir, "nope.jsonl")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^pteri: cannot read .*nope\.jsonl: ENOENT\n$/);
  });
});
