/**
 * Inclusion and consistency proof verification, transcribed from RFC 9162
 * sections 2.1.3.2 and 2.1.4.2. These run on data from an untrusted server or
 * export file, so they validate every input and answer false, never throw.
 *
 * "LSB(x)" is x % 2 and "right-shift" is floor division by 2 (see
 * merkle-hash.ts for why bitwise operators are not used).
 */
import { constantTimeEqual } from "../protocol/encoding";
import { emptyRoot, isHash, isTreeNumber, nodeHash } from "./merkle-hash";

const half = (x: number) => Math.floor(x / 2);

/** A proof never needs more than one hash per tree level; longer arrays are rejected before hashing. */
const MAX_PROOF_LENGTH = 64;

function isProof(proof: unknown): proof is Uint8Array[] {
  return Array.isArray(proof) && proof.length <= MAX_PROOF_LENGTH && proof.every(isHash);
}

/** True iff `proof` shows the leaf with hash `leaf` at `index` in the tree of `treeSize` leaves with root `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    if (!isHash(leaf) || !isHash(root) || !isProof(proof)) return false;
    if (!isTreeNumber(index) || !isTreeNumber(treeSize) || index >= treeSize) return false;
    let fn = index;
    let sn = treeSize - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(p, r);
        // Skip levels where this node has no right sibling (the right edge of an unbalanced tree).
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && constantTimeEqual(r, root);
  } catch {
    // Defence in depth: hostile input (e.g. a proxy object) must not crash a verifier.
    return false;
  }
}

/**
 * True iff `proof` shows that the tree of size `m` with root `rootM` is a
 * prefix of the tree of size `n` with root `rootN`.
 *
 * Edge cases (as transparency-dev/merkle, slightly stricter): m === n needs
 * an empty proof and equal roots; m === 0 needs an empty proof and rootM must
 * be the empty-tree root (the only root a size-0 tree can have); any other
 * case needs a non-empty proof.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): boolean {
  try {
    if (!isTreeNumber(m) || !isTreeNumber(n) || m > n) return false;
    if (!isHash(rootM) || !isHash(rootN) || !isProof(proof)) return false;
    if (m === n) return proof.length === 0 && constantTimeEqual(rootM, rootN) && (m > 0 || constantTimeEqual(rootM, emptyRoot()));
    if (m === 0) return proof.length === 0 && constantTimeEqual(rootM, emptyRoot());
    if (proof.length === 0) return false;

    // Step 2: if m is a power of two, the old root is itself the first node of the path.
    const path = isPowerOfTwo(m) ? [rootM, ...proof] : [...proof];
    let fn = m - 1;
    let sn = n - 1;
    while (fn % 2 === 1) {
      fn = half(fn);
      sn = half(sn);
    }
    let fr = path[0]!;
    let sr = path[0]!;
    for (let i = 1; i < path.length; i++) {
      const c = path[i]!;
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = half(fn);
      sn = half(sn);
    }
    return sn === 0 && constantTimeEqual(fr, rootM) && constantTimeEqual(sr, rootN);
  } catch {
    return false;
  }
}

function isPowerOfTwo(x: number): boolean {
  let v = x;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}
