import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  EMPTY_TREE_STATE,
  MemoryHashSource,
  MemorySubtreeCache,
  StreamingTree,
  appendLeaf,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  rootAt,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type TreeState,
} from "./merkle";
import { consistencyShape, flipBit, inclusionShape, refConsistency, refPath, refRoot } from "./merkle-testkit";

/** Random trees of 1..300 leaves; leaf data is random bytes, made distinct by prefixing the index. */
// The size is drawn explicitly: fast-check's default size bias would otherwise keep arrays tiny.
const treeArb = fc
  .integer({ min: 1, max: 300 })
  .chain((n) => fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: n, maxLength: n }))
  .map((datas) => datas.map((d, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8, ...d))));

/** Counts how often a tampered size was legitimately accepted, to prove the test exercises that branch. */
const accepted = { inclusion: 0, consistency: 0 };

const RUNS = { numRuns: 30 };

describe("Merkle properties over random trees (fast-check)", () => {
  it("incremental, streaming and source-backed roots equal the recursive MTH at every size", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async (leaves) => {
        let state: TreeState = EMPTY_TREE_STATE;
        const stream = new StreamingTree();
        const cache = new MemorySubtreeCache();
        const source = new MemoryHashSource(leaves);
        for (let n = 1; n <= leaves.length; n++) {
          state = appendLeaf(state, leaves[n - 1]!);
          stream.push(leaves[n - 1]!, cache.sink);
          expect(rootOf(state)).toEqual(stream.root());
          if (n % 7 === 0 || n < 20) expect(stream.root()).toEqual(refRoot(leaves.slice(0, n)));
        }
        const n = leaves.length;
        expect(await rootAt(n, source, cache)).toEqual(refRoot(leaves));
        expect(await rootAt(Math.ceil(n / 3), source, cache)).toEqual(refRoot(leaves.slice(0, Math.ceil(n / 3))));
      }),
      RUNS,
    );
  });

  it("every inclusion proof equals the RFC PATH, verifies, and fails under tampering", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.boolean(), async (leaves, useCache) => {
        const n = leaves.length;
        const root = refRoot(leaves);
        const source = new MemoryHashSource(leaves);
        const cache = useCache ? new MemorySubtreeCache() : undefined;
        const other = leafHash(Uint8Array.of(0xff, 0xfe, 0xfd));
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i]!;
          const proof = await inclusionProof(i, n, source, cache);
          // The reference is O(n) per proof, so compare a spread of indices, not all of them.
          if (i % 17 === 0 || i === n - 1) expect(proof).toEqual(refPath(i, leaves));
          expect(verifyInclusion(leaf, i, n, proof, root)).toBe(true);
          // Wrong leaf, wrong root, wrong index: always rejected.
          expect(verifyInclusion(other, i, n, proof, root)).toBe(false);
          expect(verifyInclusion(leaf, i, n, proof, flipBit([root], 0, i % 256)[0]!)).toBe(false);
          for (const j of [i - 1, i + 1, i ^ 1, i ^ 2]) {
            if (j !== i) expect(verifyInclusion(leaf, j, n, proof, root)).toBe(false);
          }
          // Another size is accepted only when the proof has the same shape (the root binds the size).
          for (const m of [n - 1, n + 1, n * 2, Math.floor(n / 2), n + 2 ** 32]) {
            if (m === n) continue;
            const same = m > i && inclusionShape(i, m) === inclusionShape(i, n);
            expect(verifyInclusion(leaf, i, m, proof, root)).toBe(same);
            if (same) accepted.inclusion++;
          }
          for (let k = 0; k < proof.length; k++) {
            expect(verifyInclusion(leaf, i, n, flipBit(proof, k, (i * 7 + k) % 256), root)).toBe(false);
          }
          if (proof.length > 0) expect(verifyInclusion(leaf, i, n, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leaf, i, n, [...proof, root], root)).toBe(false);
          expect(verifyInclusion(leaf, i, n, [root, ...proof], root)).toBe(false);
        }
      }),
      { numRuns: 8 },
    );
    expect(accepted.inclusion).toBeGreaterThan(0);
  }, 120_000);

  it("every consistency proof for 0 <= m <= n equals the RFC PROOF, verifies, and fails under tampering", async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, fc.boolean(), async (leaves, useCache) => {
        const n = leaves.length;
        const roots = [emptyRoot()];
        const stream = new StreamingTree();
        for (const leaf of leaves) {
          stream.push(leaf);
          roots.push(stream.root());
        }
        const rootN = roots[n]!;
        const source = new MemoryHashSource(leaves);
        const cache = useCache ? new MemorySubtreeCache() : undefined;
        for (let m = 0; m <= n; m++) {
          const rootM = roots[m]!;
          const proof = await consistencyProof(m, n, source, cache);
          if (m % 17 === 0 || m === n - 1) expect(proof).toEqual(refConsistency(m, leaves));
          expect(verifyConsistency(m, n, proof, rootM, rootN)).toBe(true);
          if (m === 0 || m === n) continue;
          expect(verifyConsistency(m, n, proof, rootN, rootM)).toBe(false);
          expect(verifyConsistency(m, n, proof, roots[m - 1]!, rootN)).toBe(false);
          expect(verifyConsistency(m, n, proof, rootM, roots[n - 1]!)).toBe(false);
          expect(verifyConsistency(m, n, [], rootM, rootN)).toBe(false);
          // Other sizes: accepted only for an identical proof shape, as for inclusion.
          for (const [m2, n2] of [[m - 1, n], [m + 1, n], [m ^ 2, n], [m, n + 1], [m, n - 1], [m, n * 2], [m, Math.floor(n / 2)]]) {
            if ((m2 === m && n2 === n) || m2! < 1 || m2! >= n2!) continue;
            const same = consistencyShape(m2!, n2!) === consistencyShape(m, n);
            expect(verifyConsistency(m2!, n2!, proof, rootM, rootN)).toBe(same);
            if (same) accepted.consistency++;
          }
          for (let k = 0; k < proof.length; k++) {
            expect(verifyConsistency(m, n, flipBit(proof, k, (m + k) % 256), rootM, rootN)).toBe(false);
          }
          expect(verifyConsistency(m, n, proof.slice(0, -1), rootM, rootN)).toBe(false);
          expect(verifyConsistency(m, n, [...proof, rootM], rootM, rootN)).toBe(false);
          expect(verifyConsistency(m, n, [proof[0]!, ...proof], rootM, rootN)).toBe(false);
          expect(verifyConsistency(m, n, [rootN, ...proof], rootM, rootN)).toBe(false);
        }
      }),
      { numRuns: 8 },
    );
    expect(accepted.consistency).toBeGreaterThan(0);
  }, 120_000);

  it("verification never throws on arbitrary input", () => {
    const anyHashish = fc.oneof(fc.uint8Array({ minLength: 30, maxLength: 34 }), fc.anything());
    const anyNum = fc.oneof(fc.integer({ min: -3, max: 1000 }), fc.double(), fc.anything());
    fc.assert(
      fc.property(anyHashish, anyNum, anyNum, fc.array(anyHashish, { maxLength: 12 }), anyHashish, (a, b, c, d, e) => {
        const f1 = verifyInclusion as (...x: unknown[]) => unknown;
        const f2 = verifyConsistency as (...x: unknown[]) => unknown;
        expect(typeof f1(a, b, c, d, e)).toBe("boolean");
        expect(typeof f2(b, c, d, a, e)).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});
