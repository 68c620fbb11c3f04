/**
 * The incremental ("compact range" / frontier) form of an append-only Merkle
 * tree, as in transparency-dev/merkle's compact.Range starting at 0.
 *
 * A tree of size n is fully summarised by the roots of its perfect subtrees,
 * one per set bit of n, largest (leftmost) first: at most 53 hashes. Appending
 * a leaf merges equal-sized subtrees like a binary counter's carry, so an
 * append costs O(log n) hashes worst case and under 2 amortised, and the root
 * costs popCount(n) - 1 hashes. The state is what a database row stores
 * (serializeTreeState) so the log never re-reads old leaves to append.
 */
import { base64Encode, tryBase64Decode } from "../protocol/encoding";
import { foldRoots, isHash, isTreeNumber, nodeHash, popCount } from "./merkle-hash";

export interface TreeState {
  readonly size: number;
  /** Perfect-subtree roots, left to right; length === popCount(size). */
  readonly hashes: readonly Uint8Array[];
}

/** Called for every perfect subtree an append completes (level >= 1), so callers can persist it as a SubtreeCache entry. */
export type NodeSink = (level: number, index: number, hash: Uint8Array) => void;

export const EMPTY_TREE_STATE: TreeState = Object.freeze({ size: 0, hashes: Object.freeze([]) });

/**
 * Pushes one leaf onto a frontier in place. Shared by the immutable
 * appendLeaf and the mutable StreamingTree so both hash identically.
 */
function pushInPlace(hashes: Uint8Array[], size: number, leaf: Uint8Array, onNode?: NodeSink): void {
  let h = leaf;
  let s = size;
  let level = 0;
  // Each trailing 1 bit of the old size is a same-sized subtree to merge with.
  while (s % 2 === 1) {
    h = nodeHash(hashes.pop()!, h);
    s = Math.floor(s / 2);
    level++;
    onNode?.(level, (size + 1) / 2 ** level - 1, h);
  }
  hashes.push(h);
}

/** Returns the state after appending a leaf hash; the input state is not modified. */
export function appendLeaf(state: TreeState, leaf: Uint8Array, onNode?: NodeSink): TreeState {
  if (!isHash(leaf)) throw new TypeError("appendLeaf: leaf hash must be 32 bytes");
  if (!Number.isSafeInteger(state.size + 1)) throw new RangeError("appendLeaf: tree is full");
  const hashes = state.hashes.slice();
  pushInPlace(hashes, state.size, leaf, onNode);
  return { size: state.size + 1, hashes };
}

/** The RFC 6962 root of the tree the state summarises. */
export function rootOf(state: TreeState): Uint8Array {
  return foldRoots(state.hashes);
}

/** JSON suitable for a database column: {"size":n,"hashes":["<base64>",...]}. */
export function serializeTreeState(state: TreeState): string {
  return JSON.stringify({ size: state.size, hashes: state.hashes.map(base64Encode) });
}

export type ParseTreeStateResult = { ok: true; state: TreeState } | { ok: false; message: string };

/** Strictly parses serializeTreeState output; never throws. */
export function parseTreeState(text: string): ParseTreeStateResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: "tree state is not valid JSON" };
  }
  if (typeof raw !== "object" || raw === null) return { ok: false, message: "tree state must be an object" };
  const { size, hashes } = raw as { size?: unknown; hashes?: unknown };
  if (!isTreeNumber(size)) return { ok: false, message: "tree state size must be a non-negative safe integer" };
  if (!Array.isArray(hashes) || hashes.length !== popCount(size)) {
    return { ok: false, message: "tree state must hold one hash per set bit of its size" };
  }
  const decoded: Uint8Array[] = [];
  for (const h of hashes) {
    const bytes = tryBase64Decode(h);
    if (!isHash(bytes)) return { ok: false, message: "tree state hashes must be base64 of 32 bytes" };
    decoded.push(bytes);
  }
  return { ok: true, state: { size, hashes: decoded } };
}

/**
 * Root computation for a verifier reading leaves in order (e.g. `pteri audit
 * verify` over a million-entry export): O(log n) memory, O(1) amortised
 * hashing per leaf. `state()` snapshots the frontier so a verifier can also
 * compare intermediate roots against checkpoints of smaller sizes.
 */
export class StreamingTree {
  private readonly hashes: Uint8Array[] = [];
  private count = 0;

  constructor(from: TreeState = EMPTY_TREE_STATE) {
    this.hashes = from.hashes.slice();
    this.count = from.size;
  }

  get size(): number {
    return this.count;
  }

  push(leaf: Uint8Array, onNode?: NodeSink): void {
    if (!isHash(leaf)) throw new TypeError("StreamingTree.push: leaf hash must be 32 bytes");
    pushInPlace(this.hashes, this.count, leaf, onNode);
    this.count++;
  }

  root(): Uint8Array {
    return foldRoots(this.hashes);
  }

  state(): TreeState {
    return { size: this.count, hashes: this.hashes.slice() };
  }
}
