/**
 * The last step of request authentication: committing accepted signed requests. For each
 * request, in ONE write transaction:
 *
 *  - the machine enrolled under its keyid, re-read under the write lock: a revocation or
 *    suspension that committed before (on any instance) refuses the request, and the entry
 *    and the answer describe the machine as it is now (its name, its tags, its permissions);
 *    a key retired by a re-key is refused as revoked; a machine awaiting an operator's
 *    confirmation is refused as key_pending; a registered key awaiting proof of possession
 *    is activated by this, its first accepted request (`machine.activated`, then the request's
 *    own entry);
 *  - the claim of (keyid, nonce) in NonceUse: the database's primary key decides, so a pair
 *    is accepted once across every instance sharing the database;
 *  - its own `machine.request` audit entry with the signed material;
 *  - the machine's lastSeenAt, which is coarse: written only when the stored value is null or
 *    at least LAST_SEEN_RESOLUTION_MS older than the request (so at most about once a minute
 *    per machine, not once per request). "Last seen" is therefore accurate to a minute.
 *
 * Requests that arrive while a commit is running are committed together in the next one
 * (group commit, lib/auth/group-commit.ts): one transaction reads their machines with one
 * query, claims all their nonces with one insert (conflict detection per row: a replayed
 * request is refused alone, the others commit), appends all their entries (head read once,
 * frontier advanced per leaf, head written once), and then every request gets its own
 * answer. A refused request writes nothing: its nonce is not claimed (so a revoked key's
 * request never burns a nonce either), and it has no entry. If the transaction fails, it
 * rolls back as a whole and each of its requests is committed again alone, so a request that
 * cannot be committed fails alone (the caller answers 503): no request is ever accepted
 * without its own committed nonce claim and entry.
 *
 * The transaction is a sqlWriteTransaction (lib/db/transaction.ts): the same lock-first
 * write transaction as writeTransaction, in raw SQL on the Prisma client's own connection,
 * without the client's per-statement overhead.
 */
import { recordAuditEvents, type AuditEventInput } from "../audit/log";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { sqlWriteTransaction, TransactionStartTimeout, type SqlWriteTx } from "../db/transaction";
import type { Machine } from "../machines/model";
import { activateOnProof } from "../machines/lifecycle";
import { findMachinesByKeyIds, findRetiredKeyIds, markMachineSeen } from "../machines/repository";
import { GroupCommit } from "./group-commit";
import { claimNonce } from "./nonces";

/** lastSeenAt is written at most once per this interval per machine. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Most requests committed by one transaction; more wait for the next one. */
export const MAX_REQUESTS_PER_COMMIT = 64;

export interface AcceptedRequest {
  keyId: string;
  nonce: string;
  /** When the signature stops being acceptable: the NonceUse row may be purged after it. */
  nonceExpiresAt: Date;
  /** The server clock when the request arrived. */
  now: Date;
  /** Its `machine.request` entry, given the machine as read under the write lock. */
  entry: (machine: Machine) => AuditEventInput;
}

export type CommitRefusal = "replayed" | "key_revoked" | "key_suspended" | "key_unknown" | "key_pending";

/** Active, or pending until its first correctly signed request proves possession. */
function usable(machine: Machine): boolean {
  return machine.status === "active" || (machine.status === "pending" && machine.activation === "proof");
}

function refusalOf(machine: Machine | null, retired: boolean): Exclude<CommitRefusal, "replayed"> {
  if (!machine) return retired ? "key_revoked" : "key_unknown";
  if (machine.status === "revoked") return "key_revoked";
  if (machine.status === "suspended") return "key_suspended";
  return "key_pending";
}
export type CommitOutcome =
  | { ok: true; auditSeq: number; machine: Machine }
  /** `machine`: the machine enrolled under the keyid, if any, whatever its status. */
  | { ok: false; code: CommitRefusal; machine: Machine | null };

// One queue per client, like the maintenance schedule: two clients in one process (tests, a
// second "instance") commit independently, and a discarded client's queue goes with it.
const queues = new WeakMap<Db, GroupCommit<AcceptedRequest, CommitOutcome>>();

/** Commits one accepted request, together with whatever requests are waiting at the time. */
export function commitAcceptedRequest(db: Db, request: AcceptedRequest): Promise<CommitOutcome> {
  let queue = queues.get(db);
  if (!queue) {
    queue = new GroupCommit((batch) => commitAcceptedRequests(db, batch), { maxBatch: MAX_REQUESTS_PER_COMMIT, retryAlone: concernsSomeRequest });
    queues.set(db, queue);
  }
  return queue.submit(request);
}

// Driver failures that concern no request in particular: the database is busy beyond its
// timeout or unreachable. Committing the requests one by one would only make each wait again.
const UNAVAILABLE = new Set(["SocketTimeout", "DatabaseNotReachable", "DatabaseDoesNotExist", "DatabaseAccessDenied", "ConnectionClosed", "TooManyConnections", "AuthenticationFailed", "TlsConnectionError", "TableDoesNotExist"]);

function concernsSomeRequest(error: unknown): boolean {
  if (error instanceof TransactionStartTimeout) return false;
  const kind = (error as { cause?: { kind?: unknown } } | null)?.cause?.kind;
  return !(typeof kind === "string" && UNAVAILABLE.has(kind));
}

/** Commit transactions run for `db` by this process, and the requests they carried. */
export function requestCommitStats(db: Db): { batches: number; requests: number } {
  const stats = queues.get(db)?.stats;
  return { batches: stats?.batches ?? 0, requests: stats?.items ?? 0 };
}

/** Commits `requests` in one write transaction and returns one outcome per request, in order. */
export function commitAcceptedRequests(db: Db, requests: readonly AcceptedRequest[]): Promise<CommitOutcome[]> {
  return sqlWriteTransaction(db, (tx) => commitInTransaction(tx, requests));
}

const pairKey = (keyId: string, nonce: string) => JSON.stringify([keyId, nonce]);

async function commitInTransaction(tx: SqlWriteTx, requests: readonly AcceptedRequest[]): Promise<CommitOutcome[]> {
  const outcomes: (CommitOutcome | undefined)[] = new Array(requests.length);

  // 1. The machines, under the write lock, before anything is written for the requests.
  const keyIds = [...new Set(requests.map((r) => r.keyId))];
  const machines = await findMachinesByKeyIds(tx, keyIds);
  // Keys re-keyed away are revoked; only looked up when some key names no machine.
  const missing = keyIds.filter((k) => !machines.has(k));
  const retired = missing.length > 0 ? await findRetiredKeyIds(tx, missing) : new Set<string>();
  const active: number[] = [];
  requests.forEach((r, i) => {
    const machine = machines.get(r.keyId) ?? null;
    if (machine && usable(machine)) active.push(i);
    else outcomes[i] = { ok: false, code: refusalOf(machine, retired.has(r.keyId)), machine };
  });

  // 2. Nonce claims: one insert for all fresh pairs; RETURNING names the rows it inserted.
  const claimed = await claimNonces(tx, active.map((i) => requests[i]!));
  const accepted: number[] = [];
  active.forEach((i, k) => {
    if (claimed[k]) accepted.push(i);
    else outcomes[i] = { ok: false, code: "replayed", machine: machines.get(requests[i]!.keyId) ?? null };
  });

  // 3. Coarse lastSeenAt: per machine, the latest request of this batch, if the stored one is stale.
  const latest = new Map<string, Date>();
  for (const i of accepted) {
    const r = requests[i]!;
    const seen = latest.get(r.keyId);
    if (!seen || r.now > seen) latest.set(r.keyId, r.now);
  }
  for (const [keyId, at] of latest) {
    const machine = machines.get(keyId)!;
    const stored = machine.lastSeenAt;
    if (stored === null || at.getTime() - stored.getTime() >= LAST_SEEN_RESOLUTION_MS) await markMachineSeen(tx, machine.id, at);
  }

  // 4. A registered key's first accepted request proves possession: the machine becomes
  //    active, with its own entry before the request's.
  const activations: AuditEventInput[] = [];
  for (const keyId of new Set(accepted.map((i) => requests[i]!.keyId))) {
    const machine = machines.get(keyId)!;
    if (machine.status !== "pending") continue;
    const at = requests[accepted.find((i) => requests[i]!.keyId === keyId)!]!.now;
    const activated = await activateOnProof(tx, machine, at);
    machines.set(keyId, activated.machine);
    activations.push(activated.entry);
  }

  // 5. One entry per accepted request, in arrival order.
  const entries = (
    await recordAuditEvents(tx, [...activations, ...accepted.map((i) => requests[i]!.entry(machines.get(requests[i]!.keyId)!))])
  ).slice(activations.length);
  accepted.forEach((i, k) => {
    const r = requests[i]!;
    outcomes[i] = { ok: true, auditSeq: entries[k]!.seq, machine: { ...machines.get(r.keyId)!, lastSeenAt: r.now } };
  });
  return outcomes as CommitOutcome[];
}

/**
 * Claims each request's (keyId, nonce); returns, per request, whether it won the pair.
 * The common case (fresh pairs) is one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`:
 * the primary key decides each row on its own. A pair it did not insert (a replay, or a row
 * that expired but was not purged yet) is then decided alone by claimNonce, which takes over
 * an expired row with that request's own clock. A pair that appears twice in one batch goes
 * to the first request; the copy is a replay.
 */
async function claimNonces(tx: SqlWriteTx, requests: readonly AcceptedRequest[]): Promise<boolean[]> {
  const claimed = requests.map(() => false);
  if (requests.length === 0) return claimed;
  const first = new Map<string, number>();
  requests.forEach((r, i) => {
    const key = pairKey(r.keyId, r.nonce);
    if (!first.has(key)) first.set(key, i);
  });
  const fresh = [...first.values()];
  const values = fresh.map((i) => {
    const r = requests[i]!;
    return Prisma.sql`(${r.keyId}, ${r.nonce}, ${r.nonceExpiresAt})`;
  });
  const inserted = await tx.query<{ keyId: string; nonce: string }>(Prisma.sql`INSERT INTO "NonceUse" ("keyId", "nonce", "expiresAt")
    VALUES ${Prisma.join(values)} ON CONFLICT ("keyId", "nonce") DO NOTHING RETURNING "keyId", "nonce"`);
  const won = new Set(inserted.map((row) => pairKey(row.keyId, row.nonce)));
  for (const i of fresh) {
    const r = requests[i]!;
    claimed[i] = won.has(pairKey(r.keyId, r.nonce)) || (await claimNonce(tx, r.keyId, r.nonce, r.nonceExpiresAt, r.now));
  }
  return claimed;
}
