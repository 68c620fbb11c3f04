/**
 * The audit log's Merkle tree (RFC 6962 / RFC 9162 hashing), one import for
 * server, browser and CLI. Split by concern to keep each file small:
 *  - merkle-hash.ts     hashing primitives and tree arithmetic
 *  - merkle-compact.ts  incremental frontier state and StreamingTree
 *  - merkle-verify.ts   inclusion / consistency verification (never throws)
 *  - merkle-proof.ts    proof generation over a HashSource + SubtreeCache
 */
export { HASH_SIZE, leafHash, nodeHash, emptyRoot, rootOfLeafHashes, perfectDecomposition } from "./merkle-hash";
export type { NodeId } from "./merkle-hash";
export {
  EMPTY_TREE_STATE,
  appendLeaf,
  rootOf,
  serializeTreeState,
  parseTreeState,
  StreamingTree,
} from "./merkle-compact";
export type { TreeState, NodeSink, ParseTreeStateResult } from "./merkle-compact";
export { verifyInclusion, verifyConsistency } from "./merkle-verify";
export {
  LEAF_READ_LEVEL,
  MemorySubtreeCache,
  MemoryHashSource,
  inclusionPlan,
  consistencyPlan,
  inclusionProof,
  consistencyProof,
  rootAt,
  frontierAt,
} from "./merkle-proof";
export type { HashSource, SubtreeCache } from "./merkle-proof";
