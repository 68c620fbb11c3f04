/**
 * The portable verifier on a generated export (bench/generate-audit.ts, no database):
 * each failure class with its code and the first bad entry named, also when signatures are
 * still being verified in flight while later entries fail.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAuditExport } from "@/bench/generate-audit";
import { webCryptoVerifier } from "@/lib/protocol/ed25519-webcrypto";
import { entryDocument, entryHash, type HashedAuditEntry } from "@/lib/audit/entry";
import { verifyExport, type VerifyExportOptions } from "@/lib/audit/verify-export";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { nobleEd25519 } from "@/lib/protocol/ed25519-noble";

let dir: string;
let lines: string[];
let options: VerifyExportOptions;
const KEYS = 5; // lines 1..5 are the machines' keys; entry n is line n + 6

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-verify-"));
  const generated = await generateAuditExport(path.join(dir, "export.jsonl"), 1500, { signedRequests: 300 });
  lines = fs.readFileSync(generated.file, "utf8").trimEnd().split("\n");
  options = { backend: webCryptoVerifier(nodeEd25519), logKey: generated.vkey };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lineOf = (seq: number) => seq + 1 + KEYS;
const entryAt = (l: string[], seq: number) => JSON.parse(l[lineOf(seq)]!) as HashedAuditEntry & { kind: "entry" };

/** A copy of the export with entry `seq` changed, re-hashed so that only the intended check fails. */
function edit(seq: number, change: (e: HashedAuditEntry) => void, rehash = true, from = lines): string[] {
  const copy = from.slice();
  const e = entryAt(copy, seq);
  change(e);
  if (rehash) e.entryHash = entryHash(entryDocument(e));
  copy[lineOf(seq)] = JSON.stringify(e);
  return copy;
}

const firstRequest = (after: number) => {
  for (let s = after; ; s++) if (entryAt(lines, s).type === "machine.request") return s;
};

describe("verifyExport on a generated export", () => {
  it("accepts it with every back end", async () => {
    for (const backend of [nodeEd25519, webCryptoVerifier(nodeEd25519), nobleEd25519]) {
      const result = await verifyExport(lines, { ...options, backend });
      expect(result).toMatchObject({ ok: true, entries: 1500, checkpointSize: 1500 });
    }
  });

  it("names the first bad signature even when a later entry fails while it is still being verified", async () => {
    const bad = firstRequest(100);
    const signed = edit(bad, (e) => (e.evidence.signatureBase = String(e.evidence.signatureBase).replace("bench", "evil")));
    const both = edit(bad + 50, (e) => (e.summary = "changed"), false, signed);
    for (const backend of [nodeEd25519, webCryptoVerifier(nodeEd25519)]) {
      const result = await verifyExport(both, { ...options, backend });
      expect(result).toMatchObject({ ok: false, code: "signature_invalid", seq: bad });
      expect(result.ok || result.message).toBe(`entry ${bad}: machine signature invalid: the signed material was altered or not signed by this machine`);
    }
  });

  it("finds a bad signature in the last entries, after the last line", async () => {
    const bad = firstRequest(1480); // 1487..1499 are other kinds of entries
    const result = await verifyExport(edit(bad, (e) => (e.evidence.signature = String(e.evidence.signature).replace(/^./, (c) => (c === "A" ? "B" : "A")))), options);
    expect(result).toMatchObject({ ok: false, code: "signature_invalid", seq: bad });
  });

  it("requires the signer to be the entry's actor and its key in the export", async () => {
    const s = firstRequest(10);
    const actor = await verifyExport(edit(s, (e) => (e.actor = { type: "machine", id: "someone-else" })), options);
    expect(actor).toMatchObject({ ok: false, code: "actor_mismatch", seq: s });
    const noKey = await verifyExport(lines.filter((_, i) => i !== 1 + (s % KEYS)), options);
    expect(noKey).toMatchObject({ ok: false, code: "key_missing" });
    expect(noKey.ok || noKey.message).toMatch(/^entry \d+: no key for machine [A-Za-z0-9_-]{43} in the export: its signature cannot be checked$/);
  });

  it("refuses a key line whose keyId is not its key's thumbprint", async () => {
    const swapped = lines.slice();
    const a = JSON.parse(swapped[1]!) as { publicJwk: unknown };
    const b = JSON.parse(swapped[2]!) as { publicJwk: unknown };
    swapped[1] = JSON.stringify({ ...JSON.parse(swapped[1]!), publicJwk: b.publicJwk });
    swapped[2] = JSON.stringify({ ...JSON.parse(swapped[2]!), publicJwk: a.publicJwk });
    expect(await verifyExport(swapped, options)).toMatchObject({ ok: false, code: "key_invalid", line: 2 });
  });

  it("names damaged or misplaced lines", async () => {
    expect(await verifyExport([], options)).toMatchObject({ ok: false, code: "malformed", message: "the file is empty: not an audit export" });
    expect(await verifyExport(lines.slice(1), options)).toMatchObject({ ok: false, code: "malformed", line: 1 });
    const broken = lines.slice();
    broken[lineOf(7)] = broken[lineOf(7)]!.slice(0, 40);
    expect(await verifyExport(broken, options)).toMatchObject({ ok: false, code: "malformed", line: lineOf(7) + 1 });
    const lateKey = [...lines.slice(0, 10), lines[1]!, ...lines.slice(10)];
    expect(await verifyExport(lateKey, options)).toMatchObject({ ok: false, code: "malformed", message: 'line 11: "key" line among the entries' });
    const version = edit(3, (e) => ((e as unknown as { v: number }).v = 2));
    expect(await verifyExport(version, options)).toMatchObject({ ok: false, code: "malformed", seq: 3 });
  });

  it("needs a frontier to continue the tree of a partial export", async () => {
    const header = { ...JSON.parse(lines[0]!), from: 5 };
    const partial = [JSON.stringify(header), ...lines.slice(1, 1 + KEYS), ...lines.slice(lineOf(5))];
    expect(await verifyExport(partial, options)).toMatchObject({ ok: false, code: "frontier_invalid" });
  });

  it("rejects a first entry that does not start from the genesis hash", async () => {
    const result = await verifyExport(edit(0, (e) => (e.prevHash = "1".repeat(64))), options);
    expect(result).toMatchObject({ ok: false, code: "link_mismatch", seq: 0, message: "entry 0: its prevHash is not the genesis value (64 zeros)" });
  });

  it("rejects a duplicated entry", async () => {
    const dup = [...lines.slice(0, lineOf(10)), lines[lineOf(9)]!, ...lines.slice(lineOf(10))];
    expect(await verifyExport(dup, options)).toMatchObject({ ok: false, code: "seq_gap", seq: 9, message: "entry 9: out of order after entry 9: entries were duplicated or reordered" });
  });
});

describe("portability", () => {
  /** Runtime imports (not `import type`) reachable from a module, following relative paths. */
  function runtimeImports(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const [, typeOnly, spec] of fs.readFileSync(file, "utf8").matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
      if (typeOnly || !spec) continue;
      if (!spec.startsWith(".")) seen.add(spec);
      else visitRelative(path.resolve(path.dirname(file), spec), seen);
    }
    return seen;
  }
  function visitRelative(base: string, seen: Set<string>): void {
    const file = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
    if (file) runtimeImports(file, seen);
  }

  it("the verifier and the WebCrypto back end import nothing from node: (the browser can run them)", () => {
    for (const entry of ["lib/audit/verify-export.ts", "lib/protocol/ed25519-webcrypto.ts"]) {
      const imports = [...runtimeImports(path.resolve(entry))].filter((s) => !s.startsWith("/"));
      expect(imports.filter((s) => s.startsWith("node:"))).toEqual([]);
      if (entry.endsWith("verify-export.ts")) expect(imports).toEqual(expect.arrayContaining(["@noble/hashes/sha2.js", "canonicalize"]));
    }
  });
});

