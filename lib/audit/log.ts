/**
 * Appending to the audit log: the one way every event is recorded. recordAuditEvents appends
 * a list of events in order; recordAuditEvent is the same for one event. Both run inside the
 * caller's write transaction (a WriteTx or a SqlWriteTx, lib/db/transaction.ts), so a state
 * change and its entries commit or fail together, and entries get one total order across
 * Console instances.
 *
 * An append of n entries costs a fixed number of statements whatever n is: the head comes
 * with the write lock (both kinds of write transaction read it in the statement that takes
 * the lock, and each append leaves the new head there), every entry is hashed and chained in
 * memory (the Merkle frontier advanced leaf by leaf), then one multi-row insert of the
 * entries, one of the completed subtree nodes (when any), and one update of the head, which
 * also checks that the head is still the one the append started from. The statements are raw
 * SQL (Prisma.sql: parameters bound, never spliced; double-quoted identifiers, no
 * dialect-only syntax), because this runs for every signed request and a Prisma model query
 * costs several raw ones. Values are stored exactly as Prisma's model queries store them.
 * Entry and leaf hashes use node:crypto (entry-hash-node.ts), byte-identical to entry.ts.
 */
import { Prisma } from "../db/generated/client";
import { lockedAuditHead, setLockedAuditHead, sqlOf, type AuditHeadRow, type SqlWriteTx, type WriteTx } from "../db/transaction";
import { hexEncode } from "../protocol/encoding";
import { AUDIT_ENTRY_VERSION, type AuditActor, type AuditEntryDocument, type AuditSubjects, type HashedAuditEntry } from "./entry";
import { entryHashNode, entryLeafHashNode } from "./entry-hash-node";
import { parseTreeState, serializeTreeState, StreamingTree, type TreeState } from "./merkle-compact";
import { LEAF_READ_LEVEL } from "./merkle-proof";

export interface AuditEventInput {
  type: string;
  actor: AuditActor;
  subjects?: AuditSubjects;
  /** One short sentence for people; machine-supplied text inside it is data, not markup. */
  summary: string;
  evidence?: Record<string, unknown>;
  time?: Date;
}

const MAX_SUMMARY = 500;

/** Rows per INSERT statement: 10 parameters per entry keeps every statement far below the
 *  parameter limits of SQLite (32,766) and PostgreSQL (65,535). */
const ROWS_PER_INSERT = 200;

// The frontier this process wrote last, parsed: the next append usually reads it back (the
// same text parses to the same state, so this only saves the decoding).
let lastFrontier: { text: string; state: TreeState } | undefined;

/** Appends one event; see recordAuditEvents. */
export async function recordAuditEvent(tx: WriteTx | SqlWriteTx, input: AuditEventInput): Promise<HashedAuditEntry> {
  const [entry] = await recordAuditEvents(tx, [input]);
  return entry!;
}

/**
 * Appends `inputs` in order as consecutive entries (seq, seq + 1, …), each hash-linked to the
 * one before, and returns them. All or nothing: any failure throws, and the caller's
 * transaction then rolls back every entry together with the caller's own changes.
 */
export async function recordAuditEvents(tx: WriteTx | SqlWriteTx, inputs: readonly AuditEventInput[]): Promise<HashedAuditEntry[]> {
  if (inputs.length === 0) return [];
  const sql = sqlOf(tx);
  const head = lockedAuditHead(sql) ?? (await readHead(sql));
  const parsed = lastFrontier?.text === head.frontier ? { ok: true as const, state: lastFrontier.state } : parseTreeState(head.frontier);
  if (!parsed.ok) throw new Error(`The audit log head is corrupt (${parsed.message}); refusing to append.`);
  if (parsed.state.size !== Number(head.size)) throw new Error("The audit log head is corrupt (its size disagrees with its frontier); refusing to append.");

  // Keep the hashes of completed perfect subtrees high enough up that storing them costs
  // about one row per 2^LEAF_READ_LEVEL entries; proofs then read O(log n) rows.
  const nodes: { level: number; index: number; hash: string }[] = [];
  const tree = new StreamingTree(parsed.state);
  const entries: HashedAuditEntry[] = [];
  let prevHash = head.lastHash;
  for (const input of inputs) {
    const doc: AuditEntryDocument = {
      v: AUDIT_ENTRY_VERSION,
      seq: tree.size,
      time: (input.time ?? new Date()).toISOString(),
      type: input.type,
      actor: { type: input.actor.type, id: input.actor.id },
      subjects: input.subjects ?? {},
      summary: input.summary.length > MAX_SUMMARY ? `${input.summary.slice(0, MAX_SUMMARY - 1)}…` : input.summary,
      evidence: input.evidence ?? {},
      prevHash,
    };
    const hash = entryHashNode(doc);
    tree.push(entryLeafHashNode(hash), (level, index, nodeHash) => {
      if (level >= LEAF_READ_LEVEL) nodes.push({ level, index, hash: hexEncode(nodeHash) });
    });
    entries.push({ ...doc, entryHash: hash });
    prevHash = hash;
  }

  for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
    const rows = entries.slice(i, i + ROWS_PER_INSERT).map(
      (e) =>
        Prisma.sql`(${e.seq}, ${new Date(e.time)}, ${e.type}, ${e.actor.type}, ${e.actor.id}, ${e.summary}, ${JSON.stringify(e.subjects)}, ${JSON.stringify(e.evidence)}, ${e.prevHash}, ${e.entryHash})`,
    );
    await sql.execute(Prisma.sql`INSERT INTO "AuditEntry" ("seq", "time", "type", "actorType", "actorId", "summary", "subjects", "evidence", "prevHash", "entryHash")
      VALUES ${Prisma.join(rows)}`);
  }
  if (nodes.length > 0) {
    await sql.execute(Prisma.sql`INSERT INTO "AuditNode" ("level", "index", "hash") VALUES ${Prisma.join(nodes.map((n) => Prisma.sql`(${n.level}, ${n.index}, ${n.hash})`))}`);
  }
  // The size condition is a tripwire: under the write lock nobody else can have moved the head.
  const frontier = serializeTreeState(tree.state());
  const updated = await sql.execute(Prisma.sql`UPDATE "AuditHead" SET "size" = ${tree.size}, "frontier" = ${frontier}, "lastHash" = ${prevHash}
    WHERE "id" = 1 AND "size" = ${parsed.state.size}`);
  if (updated !== 1) throw new Error("The audit log head moved during an append; refusing to continue.");
  setLockedAuditHead(sql, { size: tree.size, frontier, lastHash: prevHash });
  lastFrontier = { text: frontier, state: tree.state() };
  return entries;
}

async function readHead(sql: SqlWriteTx): Promise<AuditHeadRow> {
  const rows = await sql.query<AuditHeadRow>(Prisma.sql`SELECT "size", "frontier", "lastHash" FROM "AuditHead" WHERE "id" = 1`);
  const head = rows[0];
  if (!head) throw new Error("The audit log head is missing; refusing to append.");
  return head;
}
