/**
 * One entry's detail (GET /api/audit/entries/{seq}): its chain of custody as a timeline, and,
 * for every entry of the chain, the entry as stored with what ties it to the log (the
 * neighbouring hashes and an inclusion proof in the latest signed checkpoint). Nothing here is
 * a verdict: the browser re-verifies all of it (lib/audit/verify-entry.ts).
 */
import type { Db } from "../../db/client";
import { base64Encode } from "../../protocol/encoding";
import { INTENT_EVENTS } from "../../intents/events";
import { createCheckpoint, latestCheckpoint } from "../checkpoint-store";
import { inclusionProofFor } from "../db-proofs";
import type { HashedAuditEntry } from "../entry";
import type { LogIdentity } from "../log-identity";
import { entryFromRow } from "../rows";
import { CustodyError } from "./errors";
import { decidingPolicies, intentOf, intentSeqs, policySeqs } from "./find";
import { custodyStep, namedIds, type ChainLinks, type Names } from "./timeline";
import type { AuditEntryDetail, CustodyEntry } from "./wire";

/**
 * A seq as it appears in a URL: decimal digits, no sign, no leading zeros. Anything else names
 * no entry, so it is a 404 like a seq past the end, with a sentence saying how entries are named.
 */
export function parseSeq(text: string): number {
  const seq = /^(0|[1-9][0-9]{0,14})$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seq)) throw new CustodyError("not_found", `The audit log has no entry ${JSON.stringify(text.slice(0, 40))}: entries are numbered 0, 1, 2…`);
  return seq;
}

export async function auditEntryDetail(db: Db, identity: LogIdentity, seq: number): Promise<AuditEntryDetail> {
  const row = await db.auditEntry.findUnique({ where: { seq } });
  if (!row) throw new CustodyError("not_found", `The audit log has no entry ${seq}.`);
  const entry = entryFromRow(row);
  const intentId = await intentOf(db, entry);
  const intent = intentId ? await db.intent.findUnique({ where: { id: intentId } }) : null;
  const entries = await loadEntries(db, [seq, ...(intent ? await intentSeqs(db, intent) : [])]);
  const submitted = entries.find((e) => e.type === INTENT_EVENTS.submitted);
  const rules = submitted ? decidingPolicies(submitted) : [];
  const all = rules.length > 0 ? [...entries, ...(await loadEntries(db, await policySeqs(db, rules, submitted!.seq)))].sort((a, b) => a.seq - b.seq) : entries;
  const links: ChainLinks = { submissionSeq: intent?.submissionSeq ?? null, rules };
  const names = await loadNames(db, all, links);
  const checkpoint = await coveringCheckpoint(db, identity, all.at(-1)!.seq);
  return {
    seq,
    intentId: intent?.id ?? null,
    timeline: all.map((e) => custodyStep(e, links, names)),
    entries: await custodyEntries(db, all, checkpoint.size),
    checkpoint: { note: checkpoint.note, size: checkpoint.size },
  };
}

async function loadEntries(db: Db, seqs: number[]): Promise<HashedAuditEntry[]> {
  const rows = await db.auditEntry.findMany({ where: { seq: { in: [...new Set(seqs)] } }, orderBy: { seq: "asc" } });
  return rows.map(entryFromRow);
}

async function loadNames(db: Db, entries: HashedAuditEntry[], links: ChainLinks): Promise<Names> {
  const ids = namedIds(entries, links);
  const [machines, operators, policies] = await Promise.all([
    db.machine.findMany({ where: { id: { in: ids.machines } }, select: { id: true, name: true } }),
    db.operator.findMany({ where: { id: { in: ids.operators } }, select: { id: true, name: true } }),
    db.policy.findMany({ where: { id: { in: ids.policies } }, select: { id: true, name: true } }),
  ]);
  const byId = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { machines: byId(machines), operators: byId(operators), policies: byId(policies) };
}

/** The latest checkpoint when it covers `lastSeq`, else a new one (as an export does): every entry gets a proof. */
async function coveringCheckpoint(db: Db, identity: LogIdentity, lastSeq: number) {
  const latest = await latestCheckpoint(db);
  return latest && latest.size > lastSeq ? latest : createCheckpoint(db, identity);
}

async function custodyEntries(db: Db, entries: HashedAuditEntry[], size: number): Promise<CustodyEntry[]> {
  const around = entries.flatMap((e) => [e.seq - 1, e.seq + 1]).filter((s) => s >= 0);
  const neighbours = await db.auditEntry.findMany({ where: { seq: { in: [...new Set(around)] } }, select: { seq: true, entryHash: true, prevHash: true } });
  const bySeq = new Map(neighbours.map((n) => [n.seq, n]));
  return Promise.all(
    entries.map(async (e) => ({
      line: { kind: "entry" as const, ...e },
      previousEntryHash: bySeq.get(e.seq - 1)?.entryHash ?? null,
      nextPrevHash: bySeq.get(e.seq + 1)?.prevHash ?? null,
      inclusionProof: (await inclusionProofFor(db, e.seq, size)).map(base64Encode),
    })),
  );
}
