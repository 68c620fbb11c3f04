/**
 * Merkle proofs straight from the database. Leaves come from AuditEntry (leaf hash =
 * entryLeafHash(entryHash), leaf index = seq); perfect subtrees of level > LEAF_READ_LEVEL
 * come from AuditNode, which recordAuditEvent fills as it appends. A proof then costs a
 * handful of queries reading O(log n) rows (tests/audit/db-proofs.test.ts counts them).
 *
 * Nothing here writes: a node missing from AuditNode is recomputed from its children for
 * this proof only. A proof from a tampered database simply fails to verify against a
 * checkpoint signed earlier, which is the point.
 */
import type { Tx } from "../db/client";
import { hexDecode } from "../protocol/encoding";
import { entryLeafHash } from "./entry";
import type { NodeId } from "./merkle-hash";
import type { TreeState } from "./merkle-compact";
import {
  consistencyProof,
  frontierAt,
  inclusionProof,
  rootAt,
  type HashSource,
  type SubtreeCache,
} from "./merkle-proof";

/** The two tables proofs read; a Db and a transaction both qualify. */
export type AuditTreeReader = Pick<Tx, "auditEntry" | "auditNode">;

export class DbHashSource implements HashSource {
  constructor(private readonly db: AuditTreeReader) {}

  async leafHashes(from: number, to: number): Promise<readonly Uint8Array[]> {
    const rows = await this.db.auditEntry.findMany({
      where: { seq: { gte: from, lt: to } },
      orderBy: { seq: "asc" },
      select: { seq: true, entryHash: true },
    });
    if (rows.length !== to - from || rows.some((row, i) => row.seq !== from + i)) {
      throw new Error(`The audit log does not hold every entry from ${from} to ${to - 1}; it is shorter than the tree asked for, or entries are missing.`);
    }
    return rows.map((row) => entryLeafHash(row.entryHash));
  }
}

export class DbSubtreeCache implements SubtreeCache {
  constructor(private readonly db: AuditTreeReader) {}

  async get(level: number, index: number): Promise<Uint8Array | undefined> {
    const row = await this.db.auditNode.findUnique({ where: { level_index: { level, index } }, select: { hash: true } });
    return row ? hexDecode(row.hash) : undefined;
  }

  /** One query for every node a proof needs. */
  async getMany(ids: readonly NodeId[]): Promise<readonly (Uint8Array | undefined)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.auditNode.findMany({ where: { OR: ids.map(({ level, index }) => ({ level, index })) } });
    const found = new Map(rows.map((row) => [`${row.level}:${row.index}`, row.hash]));
    return ids.map(({ level, index }) => {
      const hash = found.get(`${level}:${index}`);
      return hash === undefined ? undefined : hexDecode(hash);
    });
  }
}

function sources(db: AuditTreeReader): [DbHashSource, DbSubtreeCache] {
  return [new DbHashSource(db), new DbSubtreeCache(db)];
}

/** Inclusion proof of entry `seq` in the tree of the first `size` entries. */
export function inclusionProofFor(db: AuditTreeReader, seq: number, size: number): Promise<Uint8Array[]> {
  return inclusionProof(seq, size, ...sources(db));
}

/** Consistency proof that the tree of size `m` is a prefix of the tree of size `n`. */
export function consistencyProofFor(db: AuditTreeReader, m: number, n: number): Promise<Uint8Array[]> {
  return consistencyProof(m, n, ...sources(db));
}

/** Root hash of the tree of the first `size` entries. */
export function rootAtFor(db: AuditTreeReader, size: number): Promise<Uint8Array> {
  return rootAt(size, ...sources(db));
}

/** Frontier (perfect-subtree roots) of the first `size` entries, to continue the tree from there. */
export function frontierFor(db: AuditTreeReader, size: number): Promise<TreeState> {
  return frontierAt(size, ...sources(db));
}
