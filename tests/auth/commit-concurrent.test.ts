/**
 * Several processes (Console instances) committing signed requests in groups, while another
 * appends through writeTransaction, on one SQLite database: every accepted request has its
 * own entry, a request replayed across instances is accepted once, and the log stays one
 * unbroken chain with a frontier and subtree nodes that match a recomputation.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { entryDocument, entryHash, entryLeafHash, GENESIS_PREV_HASH } from "@/lib/audit/entry";
import { parseTreeState, rootOf, StreamingTree } from "@/lib/audit/merkle";
import { LEAF_READ_LEVEL } from "@/lib/audit/merkle-proof";
import { entryFromRow } from "@/lib/audit/rows";
import { hexEncode } from "@/lib/protocol/encoding";
import { enroll, freshDb, signedRequest, type TestDb } from "./helpers";

const run = promisify(execFile);
const MANY = path.join(import.meta.dirname, "fixtures", "authenticate-many.ts");
const APPENDER = path.join(import.meta.dirname, "..", "audit", "append-worker.ts");
const PER_PROCESS = 40;

let t: TestDb;
beforeAll(async () => {
  t = await freshDb();
});
afterAll(() => t.close());

type Verdicts = { verdicts: { ok: boolean; code: string | null; seq: number | null }[]; commits: number };

it("two instances committing in groups and a third appending keep one chain and one entry per accepted request", async () => {
  const m1 = await enroll(t.db, "instance-load-1");
  const m2 = await enroll(t.db, "instance-load-2");
  const now = { now: () => Date.now() / 1000 };
  const sign = async (key: typeof m1.key) => {
    const request = (await signedRequest(key, { sign: now })).make();
    return { url: request.url, method: request.method, headers: Object.fromEntries(request.headers) };
  };
  const a = await Promise.all(Array.from({ length: PER_PROCESS }, () => sign(m1.key)));
  const b = await Promise.all(Array.from({ length: PER_PROCESS }, (_, i) => sign(i % 2 ? m1.key : m2.key)));
  // The same two signed requests sent to both instances: each must be accepted exactly once.
  const replayed = [a[3]!, a[17]!];
  b.splice(5, 0, replayed[0]!);
  b.splice(20, 0, replayed[1]!);

  const startAt = Date.now() + 5000; // every process loaded (tsx) before any starts
  const input = (requests: typeof a) => JSON.stringify({ databaseUrl: t.config.databaseUrl, publicUrl: t.config.publicUrl.href, startAt, wave: 8, requests });
  const options = { cwd: process.cwd(), timeout: 90_000 };
  const [outA, outB, appender] = await Promise.all([
    run(process.execPath, ["--import", "tsx", MANY, input(a)], options),
    run(process.execPath, ["--import", "tsx", MANY, input(b)], options),
    run(process.execPath, ["--import", "tsx", APPENDER], {
      ...options,
      env: { ...process.env, DATABASE_URL: t.config.databaseUrl, COUNT: String(PER_PROCESS), LABEL: "appender", START_AT: String(startAt) },
    }),
  ]);
  expect(appender.stderr).toBe("");
  const resultA = JSON.parse(outA.stdout.trim().split("\n").at(-1)!) as Verdicts;
  const resultB = JSON.parse(outB.stdout.trim().split("\n").at(-1)!) as Verdicts;

  // Every request accepted, except the second copy of each replayed one.
  const all = [...resultA.verdicts, ...resultB.verdicts];
  expect(all.filter((v) => !v.ok).map((v) => v.code)).toEqual(["replayed", "replayed"]);
  expect(all.filter((v) => v.ok)).toHaveLength(2 * PER_PROCESS);
  // Grouping happened: fewer commits than requests.
  expect(resultA.commits).toBeLessThan(PER_PROCESS);
  expect(resultB.commits).toBeLessThan(PER_PROCESS + 2);

  // Each accepted request's seq holds its own entry, with its own nonce.
  const rows = await t.db.auditEntry.findMany({ orderBy: { seq: "asc" } });
  const bySeq = new Map(rows.map((r) => [r.seq, entryFromRow(r)]));
  const sent = [...a, ...b];
  const seqs = all.map((v) => v.seq).filter((s): s is number => s !== null);
  expect(new Set(seqs).size).toBe(seqs.length);
  all.forEach((v, i) => {
    if (!v.ok) return;
    const entry = bySeq.get(v.seq!)!;
    expect(entry.type).toBe("machine.request");
    expect(sent[i]!.headers["signature-input"]).toContain(`nonce="${(entry.evidence as { nonce: string }).nonce}"`);
  });
  expect(rows.filter((r) => r.type === "machine.request")).toHaveLength(2 * PER_PROCESS);
  expect(rows.filter((r) => r.type === "test.concurrent")).toHaveLength(PER_PROCESS);

  // One unbroken chain: contiguous seqs, links, hashes, the head's frontier and the stored subtree nodes.
  expect(rows.map((r) => r.seq)).toEqual([...rows.keys()]);
  const tree = new StreamingTree();
  const nodes: string[] = [];
  let prev = GENESIS_PREV_HASH;
  for (const row of rows) {
    expect(row.prevHash).toBe(prev);
    expect(entryHash(entryDocument(entryFromRow(row)))).toBe(row.entryHash);
    prev = row.entryHash;
    tree.push(entryLeafHash(row.entryHash), (level, index, hash) => {
      if (level >= LEAF_READ_LEVEL) nodes.push(`${level}:${index}:${hexEncode(hash)}`);
    });
  }
  const head = await t.db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
  const state = parseTreeState(head.frontier);
  expect(state.ok && Buffer.from(rootOf(state.state)).equals(Buffer.from(tree.root()))).toBe(true);
  expect([head.size, head.lastHash]).toEqual([rows.length, prev]);
  const stored = await t.db.auditNode.findMany({ orderBy: [{ level: "asc" }, { index: "asc" }] });
  expect(stored.map((n) => `${n.level}:${n.index}:${n.hash}`).sort()).toEqual(nodes.sort());
}, 120_000);
