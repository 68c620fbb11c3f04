import { describe, expect, it } from "vitest";
import {
  LEAF_READ_LEVEL,
  MemoryHashSource,
  MemorySubtreeCache,
  StreamingTree,
  consistencyPlan,
  consistencyProof,
  inclusionPlan,
  inclusionProof,
  leafHash,
  nodeHash,
  rootAt,
  verifyConsistency,
  verifyInclusion,
  type HashSource,
  type NodeId,
  type SubtreeCache,
} from "./merkle";
import { consistencyShape, inclusionShape, refRoot } from "./merkle-testkit";

/** Wraps a source to count leaves read, the cost a database-backed store pays. */
function counting(source: HashSource) {
  const stats = { leafReads: 0, calls: 0 };
  const wrapped: HashSource = {
    async leafHashes(from, to) {
      stats.calls++;
      stats.leafReads += to - from;
      return source.leafHashes(from, to);
    },
  };
  return { wrapped, stats };
}

/** Cheap distinct 32-byte leaf hashes (any 32 bytes are a valid leaf hash). */
function syntheticLeaf(i: number): Uint8Array {
  const b = new Uint8Array(32).fill(0xa5);
  new DataView(b.buffer).setFloat64(0, i);
  return b;
}

const log2ceil = (n: number) => Math.ceil(Math.log2(n));

describe("NodeSink emits exactly the completed perfect subtrees", () => {
  it("reports every level >= 1 subtree once, with the right hash", () => {
    const leaves = Array.from({ length: 37 }, (_, i) => leafHash(Uint8Array.of(i)));
    const seen: [number, number, Uint8Array][] = [];
    const tree = new StreamingTree();
    for (const l of leaves) tree.push(l, (level, index, hash) => seen.push([level, index, hash]));
    expect(seen.length).toBe(37 - 3); // n - popCount(n) internal perfect nodes
    for (const [level, index, hash] of seen) {
      expect(hash).toEqual(refRoot(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)));
    }
  });
});

describe("proof generation cost with a persisted subtree cache", () => {
  const N = 100_003;
  const leaves = Array.from({ length: N }, (_, i) => syntheticLeaf(i));
  const cache = new MemorySubtreeCache();
  const tree = new StreamingTree();
  const checkpoints = new Map<number, Uint8Array>();
  const sizes = new Set([1, 2, 3, 16, 17, 1000, 4096, 65_536, 77_777, N - 1]);
  for (const l of leaves) {
    tree.push(l, cache.sink);
    if (sizes.has(tree.size)) checkpoints.set(tree.size, tree.root());
  }
  const root = tree.root();
  // Levels above LEAF_READ_LEVEL come from the cache; everything below lives in at most three
  // 16-leaf tiles (the leaf's own, its level-4 sibling's, and the partial tile at the right edge).
  const TILE = 2 ** LEAF_READ_LEVEL;

  it("caches only levels above LEAF_READ_LEVEL (about n/16 entries)", () => {
    expect(cache.size).toBeLessThan(N / 2 ** LEAF_READ_LEVEL);
  });

  it.each([0, 1, 15, 16, 4095, 65_536, 77_776, 99_999, N - 1])("inclusion proof of leaf %i reads O(log n) leaves", async (i) => {
    const { wrapped, stats } = counting(new MemoryHashSource(leaves));
    const proof = await inclusionProof(i, N, wrapped, cache);
    expect(verifyInclusion(leaves[i]!, i, N, proof, root)).toBe(true);
    expect(stats.calls).toBeLessThanOrEqual(3);
    expect(stats.leafReads).toBeLessThanOrEqual(3 * TILE);
  });

  it.each([...sizes])("consistency proof %i -> n and rootAt read O(log n) leaves", async (m) => {
    const { wrapped, stats } = counting(new MemoryHashSource(leaves));
    const rootM = await rootAt(m, wrapped, cache);
    expect(rootM).toEqual(checkpoints.get(m));
    const proof = await consistencyProof(m, N, wrapped, cache);
    expect(verifyConsistency(m, N, proof, rootM, root)).toBe(true);
    expect(stats.calls).toBeLessThanOrEqual(6);
    expect(stats.leafReads).toBeLessThanOrEqual(6 * TILE);
  });

  it("without a cache the same proof reads every leaf (the O(n) baseline)", async () => {
    const { wrapped, stats } = counting(new MemoryHashSource(leaves));
    const proof = await inclusionProof(4242, N, wrapped);
    expect(verifyInclusion(leaves[4242]!, 4242, N, proof, root)).toBe(true);
    expect(stats.leafReads).toBe(N); // every leaf once (the proven leaf comes with its tile)
  });
});

describe("cache fill-in, batching and errors", () => {
  const leaves = Array.from({ length: 5000 }, (_, i) => syntheticLeaf(i));
  const root = refRoot(leaves);

  it("an empty cache with write-back pays the O(n) cost once", async () => {
    const cache = new MemorySubtreeCache();
    const first = counting(new MemoryHashSource(leaves));
    const p1 = await inclusionProof(10, 5000, first.wrapped, cache);
    expect(verifyInclusion(leaves[10]!, 10, 5000, p1, root)).toBe(true);
    expect(first.stats.leafReads).toBeGreaterThan(4000);
    const second = counting(new MemoryHashSource(leaves));
    const p2 = await inclusionProof(4000, 5000, second.wrapped, cache);
    expect(verifyInclusion(leaves[4000]!, 4000, 5000, p2, root)).toBe(true);
    expect(second.stats.leafReads).toBeLessThanOrEqual(2 * (log2ceil(5000) + 1) * 16);
  });

  it("uses getMany for one batched lookup per proof", async () => {
    const mem = new MemorySubtreeCache();
    const t = new StreamingTree();
    for (const l of leaves) t.push(l, mem.sink);
    let batches = 0;
    let singles = 0;
    const cache: SubtreeCache = {
      get: (level, index) => (singles++, mem.get(level, index)),
      getMany: async (ids: readonly NodeId[]) => (batches++, ids.map((id) => mem.get(id.level, id.index))),
    };
    const proof = await consistencyProof(1234, 5000, new MemoryHashSource(leaves), cache);
    expect(verifyConsistency(1234, 5000, proof, refRoot(leaves.slice(0, 1234)), root)).toBe(true);
    expect(batches).toBe(1);
    expect(singles).toBe(0);
  });

  it("rejects a source that returns the wrong leaves", async () => {
    const short: HashSource = { leafHashes: async (f, t) => leaves.slice(f, t - 1) };
    await expect(inclusionProof(3, 100, short)).rejects.toThrow(/wrong leaf range/);
    const badHash: HashSource = { leafHashes: async (f, t) => leaves.slice(f, t).map(() => new Uint8Array(3)) };
    await expect(rootAt(10, badHash)).rejects.toThrow(/wrong leaf range/);
  });

  it("rejects impossible proof requests with RangeError", () => {
    expect(() => inclusionPlan(5, 5)).toThrow(RangeError);
    expect(() => inclusionPlan(-1, 5)).toThrow(RangeError);
    expect(() => consistencyPlan(6, 5)).toThrow(RangeError);
    expect(consistencyPlan(0, 5)).toEqual([]);
    expect(consistencyPlan(5, 5)).toEqual([]);
  });
});

describe("sizes beyond 2^32 (no 32-bit truncation anywhere)", () => {
  // A virtual tree whose leaves are all equal: every complete subtree at level L
  // has the same hash u[L], so a cache can answer for any size without storing it.
  const u: Uint8Array[] = [leafHash(Uint8Array.of(42))];
  for (let l = 1; l <= 53; l++) u.push(nodeHash(u[l - 1]!, u[l - 1]!));
  const virtual = (size: number) => {
    const stats = { leafReads: 0, gets: 0 };
    const source: HashSource = {
      async leafHashes(from, to) {
        if (to > size) throw new Error("read past the end");
        stats.leafReads += to - from;
        return Array.from({ length: to - from }, () => u[0]!);
      },
    };
    const cache: SubtreeCache = {
      get: (level, index) => (stats.gets++, (index + 1) * 2 ** level <= size ? u[level] : undefined),
    };
    return { source, cache, stats };
  };
  /** Independent recursive root of the uniform tree. */
  const uniformRoot = (n: number): Uint8Array => {
    if (n === 1) return u[0]!;
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(u[Math.log2(k)]!, uniformRoot(n - k));
  };

  it.each([1_000_000, 2 ** 32 + 5, 2 ** 40 + 2 ** 33 + 7, 2 ** 52 + 3])("proves inclusion and consistency in a tree of %i leaves", async (n) => {
    const { source, cache, stats } = virtual(n);
    const root = await rootAt(n, source, cache);
    expect(root).toEqual(uniformRoot(n));
    for (const i of [0, n - 1, Math.floor(n / 3), 2 ** 31 + 1].filter((x) => x < n)) {
      const proof = await inclusionProof(i, n, source, cache);
      expect(verifyInclusion(u[0]!, i, n, proof, root)).toBe(true);
      // A 32-bit truncating verifier would confuse these sizes; ours follows the proof shape exactly.
      const big = n + 2 ** 32;
      expect(verifyInclusion(u[0]!, i, big, proof, root)).toBe(inclusionShape(i, big) === inclusionShape(i, n));
      expect(verifyInclusion(u[0]!, i, n, proof.slice(1), root)).toBe(false);
    }
    const m = Math.floor(n / 2) + 1;
    const proof = await consistencyProof(m, n, source, cache);
    expect(verifyConsistency(m, n, proof, uniformRoot(m), root)).toBe(true);
    const [m2, n2] = [m + 2 ** 32, n + 2 ** 32];
    expect(verifyConsistency(m2, n2, proof, uniformRoot(m), root)).toBe(consistencyShape(m2, n2) === consistencyShape(m, n));
    expect(verifyConsistency(m, n, proof, uniformRoot(m - 1), root)).toBe(false);
    expect(stats.leafReads).toBeLessThanOrEqual(10 * 2 * 54 * 16);
    expect(stats.gets).toBeLessThanOrEqual(10 * 2 * 54);
  });
});
