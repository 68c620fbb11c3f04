/**
 * Signed checkpoints of the audit log (C2SP tlog-checkpoint in a signed note), stored in
 * AuditCheckpoint. A checkpoint is a statement *about* the entries, never an entry itself:
 * recording one would grow the log it describes.
 */
import type { Db } from "../db/client";
import { writeTransaction } from "../db/transaction";
import { hexDecode, hexEncode } from "../protocol/encoding";
import { nodeEd25519 } from "../protocol/ed25519-node";
import { formatCheckpoint, signNote, verifyCheckpoint } from "./checkpoint";
import { parseTreeState, rootOf } from "./merkle-compact";
import type { LogIdentity } from "./log-identity";

export interface StoredCheckpoint {
  size: number;
  rootHash: Uint8Array;
  /** The complete signed note, as served at /.well-known/pteri-checkpoint. */
  note: string;
  createdAt: Date;
}

type CheckpointRow = { size: number; rootHash: string; note: string; createdAt: Date };

function fromRow(row: CheckpointRow): StoredCheckpoint {
  return { size: row.size, rootHash: hexDecode(row.rootHash), note: row.note, createdAt: row.createdAt };
}

export async function latestCheckpoint(db: Pick<Db, "auditCheckpoint">): Promise<StoredCheckpoint | null> {
  const row = await db.auditCheckpoint.findFirst({ orderBy: { id: "desc" } });
  return row ? fromRow(row) : null;
}

/**
 * Signs the current head. Runs under the write lock so the head it signs is the committed
 * one and two instances cannot both store a checkpoint for the same size. Returns the latest
 * checkpoint unchanged (created: false) when it already covers this size and verifies
 * with the current key (after a key restore it would not: then a new one is signed).
 */
export async function createCheckpoint(db: Db, identity: LogIdentity): Promise<StoredCheckpoint & { created: boolean }> {
  return writeTransaction(db, async (tx) => {
    const head = await tx.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    const state = parseTreeState(head.frontier);
    if (!state.ok) throw new Error(`The audit log head is corrupt (${state.message}); cannot sign a checkpoint.`);
    const latest = await tx.auditCheckpoint.findFirst({ orderBy: { id: "desc" } });
    if (latest && latest.size === head.size) {
      const valid = await verifyCheckpoint(latest.note, [identity.vkey], nodeEd25519, { origin: identity.origin });
      if (valid.ok) return { ...fromRow(latest), created: false };
    }
    const rootHash = rootOf(state.state);
    const note = await signNote(formatCheckpoint({ origin: identity.origin, size: head.size, rootHash }), identity.signer, nodeEd25519);
    const row = await tx.auditCheckpoint.create({ data: { size: head.size, rootHash: hexEncode(rootHash), note } });
    return { ...fromRow(row), created: true };
  });
}

/** The latest checkpoint, or a new one when none exists yet (what the well-known URL serves). */
export async function currentCheckpoint(db: Db, identity: LogIdentity): Promise<StoredCheckpoint> {
  return (await latestCheckpoint(db)) ?? createCheckpoint(db, identity);
}

/** Creates a checkpoint only if the log grew since the latest one; cheap to call every minute. */
export async function checkpointIfGrown(db: Db, identity: LogIdentity): Promise<StoredCheckpoint | null> {
  const [head, latest] = await Promise.all([
    db.auditHead.findUnique({ where: { id: 1 }, select: { size: true } }),
    db.auditCheckpoint.findFirst({ orderBy: { id: "desc" }, select: { size: true } }),
  ]);
  if (!head || (latest && latest.size >= head.size)) return null;
  const checkpoint = await createCheckpoint(db, identity);
  return checkpoint.created ? checkpoint : null;
}
