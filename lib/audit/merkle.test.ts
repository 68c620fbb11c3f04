import { describe, expect, it } from "vitest";
import { hexDecode, hexEncode } from "../protocol/encoding";
import {
  EMPTY_TREE_STATE,
  MemoryHashSource,
  StreamingTree,
  appendLeaf,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  parseTreeState,
  rootAt,
  rootOf,
  serializeTreeState,
  verifyConsistency,
  verifyInclusion,
  type TreeState,
} from "./merkle";
import { refConsistency, refPath, refRoot } from "./merkle-testkit";

const h = (hex: string) => hexDecode(hex);

// transparency-dev/merkle testonly/constants.go: leaf inputs, and the roots for sizes 0..8.
const INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(h);
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const LEAVES = INPUTS.map(leafHash);

// transparency-dev/merkle proof/verify_test.go vectors (leaf index is 0-based here).
const INCLUSION: [number, number, string[]][] = [
  [0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
  [0, 1, []],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
  [6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
];

describe("RFC 6962 hashing known answers", () => {
  it("hashes leaves and nodes with domain-separation prefixes", () => {
    expect(hexEncode(emptyRoot())).toBe(ROOTS[0]);
    expect(hexEncode(leafHash(new Uint8Array(0)))).toBe(ROOTS[1]);
    expect(hexEncode(nodeHash(LEAVES[0]!, LEAVES[1]!))).toBe(ROOTS[2]);
  });

  it("the recursive reference MTH reproduces the published roots for sizes 0..8", () => {
    for (let n = 0; n <= 8; n++) expect(hexEncode(refRoot(LEAVES.slice(0, n)))).toBe(ROOTS[n]);
  });

  it("incremental, streaming and source-backed roots agree with the published roots", async () => {
    let state: TreeState = EMPTY_TREE_STATE;
    const stream = new StreamingTree();
    expect(hexEncode(rootOf(state))).toBe(ROOTS[0]);
    expect(hexEncode(stream.root())).toBe(ROOTS[0]);
    for (let n = 1; n <= 8; n++) {
      state = appendLeaf(state, LEAVES[n - 1]!);
      stream.push(LEAVES[n - 1]!);
      expect(hexEncode(rootOf(state))).toBe(ROOTS[n]);
      expect(hexEncode(stream.root())).toBe(ROOTS[n]);
      expect(stream.size).toBe(n);
      expect(hexEncode(await rootAt(n, new MemoryHashSource(LEAVES)))).toBe(ROOTS[n]);
    }
  });

  it("the frontier for size 7 is [level2#0, level1#2, level0#6] as in compact.Tree", () => {
    let state: TreeState = EMPTY_TREE_STATE;
    for (const leaf of LEAVES.slice(0, 7)) state = appendLeaf(state, leaf);
    expect(state.hashes.map(hexEncode)).toEqual([
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    ]);
  });

  it.each(INCLUSION)("inclusion proof for leaf %i of %i matches the vector and verifies", async (i, n, hexes) => {
    const proof = await inclusionProof(i, n, new MemoryHashSource(LEAVES));
    expect(proof.map(hexEncode)).toEqual(hexes);
    expect(refPath(i, LEAVES.slice(0, n)).map(hexEncode)).toEqual(hexes);
    expect(verifyInclusion(LEAVES[i]!, i, n, proof, h(ROOTS[n]!))).toBe(true);
    expect(verifyInclusion(LEAVES[i]!, i, n, proof, h(ROOTS[n === 8 ? 7 : 8]!))).toBe(false);
  });

  it.each(CONSISTENCY)("consistency proof %i -> %i matches the vector and verifies", async (m, n, hexes) => {
    const proof = await consistencyProof(m, n, new MemoryHashSource(LEAVES));
    expect(proof.map(hexEncode)).toEqual(hexes);
    expect(refConsistency(m, LEAVES.slice(0, n)).map(hexEncode)).toEqual(hexes);
    expect(verifyConsistency(m, n, proof, h(ROOTS[m]!), h(ROOTS[n]!))).toBe(true);
  });
});

describe("verification edge cases (never throws)", () => {
  const root8 = h(ROOTS[8]!);
  const some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
  const empty = emptyRoot();

  it("rejects impossible index/size pairs", () => {
    for (const [i, n] of [[0, 0], [1, 0], [2, 1], [1, 1]]) {
      expect(verifyInclusion(some, i!, n!, [], empty)).toBe(false);
      expect(verifyInclusion(some, i!, n!, [], some)).toBe(false);
    }
    expect(verifyInclusion(LEAVES[0]!, 0, 1, [], LEAVES[0]!)).toBe(true);
  });

  it("follows transparency-dev's consistency edge-case table", () => {
    expect(verifyConsistency(0, 0, [], empty, empty)).toBe(true);
    expect(verifyConsistency(0, 1, [], empty, some)).toBe(true);
    expect(verifyConsistency(1, 1, [], some, some)).toBe(true);
    expect(verifyConsistency(0, 0, [], some, some)).toBe(false); // a size-0 tree has only one possible root
    expect(verifyConsistency(0, 1, [], some, some)).toBe(false);
    expect(verifyConsistency(1, 1, [], some, empty)).toBe(false);
    expect(verifyConsistency(1, 0, [], some, empty)).toBe(false);
    expect(verifyConsistency(2, 1, [], some, empty)).toBe(false);
    expect(verifyConsistency(1, 2, [], some, empty)).toBe(false);
    expect(verifyConsistency(0, 0, [empty], empty, empty)).toBe(false);
    expect(verifyConsistency(0, 1, [empty], empty, empty)).toBe(false);
    expect(verifyConsistency(1, 1, [empty], empty, empty)).toBe(false);
  });

  it("answers false for hostile values of every parameter", () => {
    const proof = INCLUSION[0]![2].map(h);
    const bad: unknown[] = [null, undefined, "x", 1.5, -1, NaN, Infinity, 2 ** 53, {}, [], new Uint8Array(31), new Uint8Array(33)];
    const call = (args: unknown[]) => (verifyInclusion as (...a: unknown[]) => boolean)(...args);
    const good: unknown[] = [LEAVES[0]!, 0, 8, proof, root8];
    expect(call(good)).toBe(true);
    for (let pos = 0; pos < good.length; pos++) {
      for (const b of bad) {
        const args = good.slice();
        args[pos] = b;
        expect(() => call(args)).not.toThrow();
        expect(call(args)).toBe(false);
      }
    }
    expect(verifyInclusion(LEAVES[0]!, 0, 8, [...proof, ...proof, ...proof].concat(Array(70).fill(root8)), root8)).toBe(false);
    expect(verifyInclusion(LEAVES[0]!, 0, 8, [proof[0]!, "x" as unknown as Uint8Array, proof[2]!], root8)).toBe(false);
    const ccall = (...args: unknown[]) => (verifyConsistency as (...a: unknown[]) => boolean)(...args);
    for (const b of bad) {
      expect(ccall(b, 8, proof, root8, root8)).toBe(false);
      expect(ccall(1, b, proof, root8, root8)).toBe(false);
      expect(ccall(1, 8, b, root8, root8)).toBe(false);
      expect(ccall(1, 8, proof, b, root8)).toBe(false);
      expect(ccall(1, 8, proof, root8, b)).toBe(false);
    }
  });
});

describe("tree state serialization", () => {
  it("round-trips through JSON and resumes appending", () => {
    let state: TreeState = EMPTY_TREE_STATE;
    for (const leaf of LEAVES.slice(0, 5)) state = appendLeaf(state, leaf);
    const parsed = parseTreeState(serializeTreeState(state));
    if (!parsed.ok) throw new Error(parsed.message);
    let resumed = parsed.state;
    for (const leaf of LEAVES.slice(5)) resumed = appendLeaf(resumed, leaf);
    expect(hexEncode(rootOf(resumed))).toBe(ROOTS[8]);
    const stream = new StreamingTree(parsed.state);
    for (const leaf of LEAVES.slice(5)) stream.push(leaf);
    expect(hexEncode(stream.root())).toBe(ROOTS[8]);
  });

  it("appendLeaf does not mutate its input", () => {
    const one = appendLeaf(EMPTY_TREE_STATE, LEAVES[0]!);
    appendLeaf(one, LEAVES[1]!);
    expect(one.size).toBe(1);
    expect(one.hashes.length).toBe(1);
    expect(EMPTY_TREE_STATE.hashes.length).toBe(0);
  });

  it.each([
    ["not json", "{"],
    ["not an object", "3"],
    ["negative size", '{"size":-1,"hashes":[]}'],
    ["fractional size", '{"size":1.5,"hashes":[]}'],
    ["wrong hash count", '{"size":3,"hashes":["' + "A".repeat(43) + '="]}'],
    ["short hash", '{"size":1,"hashes":["AAAA"]}'],
    ["non-canonical base64", '{"size":1,"hashes":["' + "A".repeat(42) + 'B="]}'],
    ["hash not a string", '{"size":1,"hashes":[7]}'],
  ])("rejects a corrupt state: %s", (_name, text) => {
    expect(parseTreeState(text).ok).toBe(false);
  });

  it("rejects appending a malformed leaf hash", () => {
    expect(() => appendLeaf(EMPTY_TREE_STATE, new Uint8Array(31))).toThrow(TypeError);
    expect(() => new StreamingTree().push(new Uint8Array(0))).toThrow(TypeError);
  });
});
