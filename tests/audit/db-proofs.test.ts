/**
 * Merkle proofs generated from the database (AuditEntry leaves, AuditNode subtrees) verify
 * with the RFC 9162 verifiers, agree with the reference recursion, and read O(log n) rows.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryLeafHash } from "@/lib/audit/entry";
import { consistencyProofFor, frontierFor, inclusionProofFor, rootAtFor, type AuditTreeReader } from "@/lib/audit/db-proofs";
import { StreamingTree, rootOf, verifyConsistency, verifyInclusion } from "@/lib/audit/merkle";
import { refConsistency, refPath } from "@/lib/audit/merkle-testkit";
import { appendEvents, freshLog, type TestLog } from "./fixtures";

const N = 5000;
let log: TestLog;
let leaves: Uint8Array[];
/** roots[s] = root of the first s leaves, computed independently of the database's nodes. */
let roots: Uint8Array[];

beforeAll(async () => {
  log = await freshLog();
  await appendEvents(log.db, N);
  const rows = await log.db.auditEntry.findMany({ orderBy: { seq: "asc" }, select: { entryHash: true } });
  leaves = rows.map((r) => entryLeafHash(r.entryHash));
  const tree = new StreamingTree();
  roots = [tree.root()];
  for (const leaf of leaves) {
    tree.push(leaf);
    roots.push(tree.root());
  }
}, 120_000);
afterAll(() => log.close());

/** The same client, counting the queries it runs and the rows they return. */
function counting(): { db: AuditTreeReader; stats: { queries: number; rows: number } } {
  const stats = { queries: 0, rows: 0 };
  const db = log.db.$extends({
    query: {
      async $allOperations({ args, query }) {
        stats.queries++;
        const result = await query(args);
        stats.rows += Array.isArray(result) ? result.length : result ? 1 : 0;
        return result;
      },
    },
  });
  return { db: db as unknown as AuditTreeReader, stats };
}

const same = (a: readonly Uint8Array[], b: readonly Uint8Array[]) => a.length === b.length && a.every((x, i) => Buffer.from(x).equals(Buffer.from(b[i]!)));

describe("proofs from the database", () => {
  it("inclusion proofs verify and equal the RFC 9162 reference, for random entries and tree sizes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }))), async ([size, seq]) => {
        const proof = await inclusionProofFor(log.db, seq, size);
        expect(verifyInclusion(leaves[seq]!, seq, size, proof, roots[size]!)).toBe(true);
        expect(same(proof, refPath(seq, leaves.slice(0, size)))).toBe(true);
        if (proof.length > 0) expect(verifyInclusion(leaves[seq]!, seq, size, proof.slice(1), roots[size]!)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("consistency proofs verify and equal the reference, for random pairs of sizes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: N }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), async ([m, n]) => {
        const proof = await consistencyProofFor(log.db, m, n);
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
        expect(same(proof, refConsistency(m, leaves.slice(0, n)))).toBe(true);
        const wrong = roots[n]!.slice();
        wrong[0] = wrong[0]! ^ 1;
        if (m > 0 && m < n) expect(verifyConsistency(m, n, proof, roots[m]!, wrong)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("roots and frontiers of past sizes match the independent computation", async () => {
    for (const size of [0, 1, 2, 15, 16, 17, 1000, 4095, 4096, 4097, N]) {
      expect(Buffer.from(await rootAtFor(log.db, size)).equals(Buffer.from(roots[size]!))).toBe(true);
      expect(Buffer.from(rootOf(await frontierFor(log.db, size))).equals(Buffer.from(roots[size]!))).toBe(true);
    }
  });

  it("a proof on a 5,000-entry log reads O(log n) rows in a handful of queries", async () => {
    const worst = { queries: 0, rows: 0 };
    for (const [seq, size] of [[0, N], [N - 1, N], [2500, N], [1234, 4321], [17, 4999], [4096, 4097]] as const) {
      const { db, stats } = counting();
      const proof = await inclusionProofFor(db, seq, size);
      expect(verifyInclusion(leaves[seq]!, seq, size, proof, roots[size]!)).toBe(true);
      worst.queries = Math.max(worst.queries, stats.queries);
      worst.rows = Math.max(worst.rows, stats.rows);
    }
    for (const [m, n] of [[1, N], [2500, N], [4095, 4097], [1000, 4999], [N - 1, N]] as const) {
      const { db, stats } = counting();
      const proof = await consistencyProofFor(db, m, n);
      expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
      worst.queries = Math.max(worst.queries, stats.queries);
      worst.rows = Math.max(worst.rows, stats.rows);
    }
    // log2(5000) ~ 12.3: at most 2 log2(n) stored nodes plus three 16-leaf tiles, in one
    // node query and at most three leaf queries; a naive build would read all 5,000 rows.
    expect(worst.queries).toBeLessThanOrEqual(4);
    expect(worst.rows).toBeLessThanOrEqual(2 * 13 + 3 * 16);
    console.log(`worst proof on ${N} entries: ${worst.queries} queries, ${worst.rows} rows`);
  });

  it("refuses a tree larger than the log, naming the problem", async () => {
    await expect(inclusionProofFor(log.db, 0, N + 1)).rejects.toThrow(/does not hold every entry/);
  });
});
