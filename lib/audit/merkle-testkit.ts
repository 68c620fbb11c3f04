/**
 * Test-only reference implementations, written straight from the RFC 9162
 * recursive definitions over explicit leaf lists (no frontier, no plans, no
 * bit twiddling), so the optimised code is checked against an independent
 * transcription. Imported by *.test.ts files only.
 */
import { rootOfLeafHashes, splitPoint } from "./merkle-hash";

export const refRoot = rootOfLeafHashes;

/** RFC 9162 2.1.3.1 PATH(m, D[n]). */
export function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = splitPoint(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refRoot(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refRoot(d.slice(0, k))];
}

/** RFC 9162 2.1.4.1 SUBPROOF(m, D[n], b). */
function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refRoot(d)];
  const k = splitPoint(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refRoot(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refRoot(d.slice(0, k))];
}

/** PROOF(m, D[n]) for 0 < m < n; empty otherwise (verifier convention). */
export function refConsistency(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  return m > 0 && m < d.length ? refSubproof(m, d, true) : [];
}

/**
 * The left/right sibling pattern of an inclusion proof, from the recursive
 * definition. Two (index, size) pairs with the same pattern accept the same
 * proof against the same root: RFC 9162 verification binds the size only
 * through the root, so tests must expect that, not a failure.
 */
export function inclusionShape(m: number, n: number): string {
  if (n <= 1) return "";
  const k = splitPoint(n);
  return m < k ? inclusionShape(m, k) + "R" : inclusionShape(m - k, n - k) + "L";
}

/** Same idea for consistency proofs; "S" seeds from a proof node, "P" from the prepended old root. */
export function consistencyShape(m: number, n: number, b = true): string {
  if (m === n) return b ? "P" : "S";
  const k = splitPoint(n);
  return m <= k ? consistencyShape(m, k, b) + "R" : consistencyShape(m - k, n - k, false) + "L";
}

/** A copy of `proof` with one bit flipped in element i. */
export function flipBit(proof: readonly Uint8Array[], i: number, bit = 0): Uint8Array[] {
  return proof.map((p, j) => {
    if (j !== i) return p;
    const c = p.slice();
    c[bit >> 3] = c[bit >> 3]! ^ (1 << (bit & 7));
    return c;
  });
}
