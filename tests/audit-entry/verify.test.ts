/**
 * The browser's verifier (lib/audit/verify-entry.ts), run in Node with the @noble back end the
 * Console uses, on what GET /api/audit/entries/{seq} answers: an intact chain passes every
 * check; each kind of tampering fails the check that exists to catch it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVAL_EVENTS } from "@/lib/approvals/events";
import { createCheckpoint } from "@/lib/audit/checkpoint-store";
import type { AuditEntryDetail, CustodyEntry } from "@/lib/audit/custody/wire";
import { entryDocument, entryHash } from "@/lib/audit/entry";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { recordAuditEvent } from "@/lib/audit/log";
import { verifyCustody, type CheckKind, type CustodyVerification } from "@/lib/audit/verify-entry";
import { loadConfig } from "@/lib/config/env";
import { writeTransaction } from "@/lib/db/transaction";
import { INTENT_EVENTS } from "@/lib/intents/events";
import { nobleEd25519 } from "@/lib/protocol/ed25519-noble";
import { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from "@/lib/protocol/encoding";
import { generateKeyPair } from "@/lib/protocol/keys";
import { formatVkey } from "@/lib/audit/note";
import { dropGuards } from "../audit/fixtures";
import { person, type Person } from "../approvals/helpers";
import { startTestHost, type TestHost } from "../operators/helpers/host";
import { buildChain, detailOf, logKeyOf, type Chain } from "./helpers";

let host: TestHost;
let chain: Chain;
let auditor: Person;
let logKey: string;

beforeAll(async () => {
  host = await startTestHost();
  chain = await buildChain(host.db);
  auditor = await person(host.db, "Audrey", ["auditor"]);
  logKey = await logKeyOf(host.db);
}, 120_000);
afterAll(() => host.close());

const clone = (d: AuditEntryDetail): AuditEntryDetail => structuredClone(d);
const entryOfType = (d: AuditEntryDetail, type: string): CustodyEntry => d.entries.find((e) => e.line.type === type)!;
const verify = (d: AuditEntryDetail, key = logKey) => verifyCustody(d, key, nobleEd25519);

/** The result of one check of one entry. */
function check(result: CustodyVerification, seq: number, kind: CheckKind) {
  const found = result.entries.find((e) => e.seq === seq)?.checks.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} check for entry ${seq}`);
  return found;
}

/** What an attacker who also recomputes the stored hash produces. */
function rehash(item: CustodyEntry): void {
  item.line.entryHash = entryHash(entryDocument(item.line));
}

function failedKinds(result: CustodyVerification): string[] {
  return result.entries.flatMap((e) => e.checks.filter((c) => !c.ok).map((c) => `${e.seq}:${c.kind}`));
}

describe("an intact chain", () => {
  it("passes every check: hashes, links, machine signatures, passkey approvals, inclusion, checkpoint", async () => {
    const detail = await detailOf(chain.executionSeq, auditor.cookie);
    const result = await verify(detail);
    expect(failedKinds(result)).toEqual([]);
    expect(result.checkpoint.ok).toBe(true);
    expect(result.ok).toBe(true);
    const kinds = (seq: number) => result.entries.find((e) => e.seq === seq)!.checks.map((c) => c.kind);
    expect(kinds(chain.submissionSeq)).toEqual(["hash", "link", "signature", "inclusion"]);
    expect(kinds(entryOfType(detail, APPROVAL_EVENTS.approved).line.seq)).toEqual(["hash", "link", "approval", "inclusion"]);
    expect(kinds(chain.executionSeq)).toEqual(["hash", "link", "signature", "inclusion"]);
    // Both approvers' passkeys (Ed25519 and P-256) were checked.
    const approvals = result.entries.filter((e) => e.type === APPROVAL_EVENTS.approved);
    expect(approvals).toHaveLength(2);
    expect(approvals.every((e) => e.ok)).toBe(true);
  });
});

describe("tampering", () => {
  it("a summary changed in the database: the hash check fails, and so does inclusion in the signed tree", async () => {
    const submitted = await host.db.auditEntry.findFirstOrThrow({ where: { type: INTENT_EVENTS.submitted } });
    await dropGuards(host.db);
    await host.db.$executeRaw`UPDATE "AuditEntry" SET "summary" = ${"Nothing to see here."} WHERE "seq" = ${submitted.seq}`;
    try {
      const result = await verify(await detailOf(chain.executionSeq, auditor.cookie));
      expect(result.ok).toBe(false);
      expect(check(result, submitted.seq, "hash")).toMatchObject({ ok: false, sentence: expect.stringContaining("Hash mismatch") });
      expect(check(result, submitted.seq, "inclusion").ok).toBe(false);
      expect(failedKinds(result)).toEqual([`${submitted.seq}:hash`, `${submitted.seq}:link`, `${submitted.seq}:inclusion`]);
    } finally {
      await host.db.$executeRaw`UPDATE "AuditEntry" SET "summary" = ${submitted.summary} WHERE "seq" = ${submitted.seq}`;
    }
    expect((await verify(await detailOf(chain.executionSeq, auditor.cookie))).ok).toBe(true);
  });

  it("a rewrite with the hash recomputed passes the hash check but breaks the next link and inclusion", async () => {
    const detail = clone(await detailOf(chain.executionSeq, auditor.cookie));
    const item = entryOfType(detail, INTENT_EVENTS.submitted);
    item.line.summary = "Rewritten consistently.";
    rehash(item);
    const result = await verify(detail);
    expect(check(result, item.line.seq, "hash").ok).toBe(true);
    expect(check(result, item.line.seq, "link")).toMatchObject({ ok: false, sentence: expect.stringContaining("does not link to this entry") });
    expect(check(result, item.line.seq, "inclusion").ok).toBe(false);
  });

  it("a machine signature altered: the signature check fails", async () => {
    const detail = clone(await detailOf(chain.executionSeq, auditor.cookie));
    const request = detail.entries.find((e) => e.line.seq === chain.submissionSeq)!;
    const evidence = request.line.evidence as { signature: string };
    const sig = base64Decode(evidence.signature);
    sig[5] = sig[5]! ^ 0x01;
    evidence.signature = base64Encode(sig);
    rehash(request);
    const result = await verify(detail);
    expect(check(result, chain.submissionSeq, "hash").ok).toBe(true);
    expect(check(result, chain.submissionSeq, "signature")).toMatchObject({ ok: false, sentence: expect.stringContaining("Machine signature invalid") });
  });

  it("a machine's public key swapped in the evidence: refused as a substituted key", async () => {
    const detail = clone(await detailOf(chain.executionSeq, auditor.cookie));
    const executed = entryOfType(detail, INTENT_EVENTS.executed);
    const other = await generateKeyPair();
    (executed.line.evidence as { request: { publicJwk: unknown } }).request.publicJwk = other.publicKey.jwk;
    rehash(executed);
    expect(check(await verify(detail), executed.line.seq, "signature")).toMatchObject({ ok: false, sentence: expect.stringContaining("substituted") });
  });

  it("a passkey assertion altered: the approval check fails", async () => {
    const detail = clone(await detailOf(chain.executionSeq, auditor.cookie));
    const approval = entryOfType(detail, APPROVAL_EVENTS.approved);
    const ev = approval.line.evidence as { statement: { reason: string } };
    ev.statement.reason = "approved without looking";
    rehash(approval);
    const result = await verify(detail);
    expect(check(result, approval.line.seq, "approval")).toMatchObject({ ok: false, sentence: expect.stringContaining("Passkey signature invalid") });

    // The signature bytes themselves, on the other approver's (P-256) entry.
    const second = detail.entries.filter((e) => e.line.type === APPROVAL_EVENTS.approved)[1]!;
    const assertion = (second.line.evidence as { assertion: { response: { signature: string } } }).assertion.response;
    const bytes = base64UrlDecode(assertion.signature);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    assertion.signature = base64UrlEncode(bytes);
    rehash(second);
    expect(check(await verify(detail), second.line.seq, "approval").ok).toBe(false);
  });

  it("proofs against another (validly signed) checkpoint: inclusion fails, the checkpoint itself verifies", async () => {
    const detail = clone(await detailOf(chain.executionSeq, auditor.cookie));
    await writeTransaction(host.db, (tx) => recordAuditEvent(tx, { type: "test.later", actor: { type: "system", id: "pteri" }, summary: "A later entry." }));
    const later = await createCheckpoint(host.db, await getLogIdentity(host.db, loadConfig()));
    expect(later.size).toBeGreaterThan(detail.checkpoint.size);
    detail.checkpoint = { note: later.note, size: later.size };
    const result = await verify(detail);
    expect(result.checkpoint.ok).toBe(true);
    expect(result.entries.every((e) => !e.checks.find((c) => c.kind === "inclusion")!.ok)).toBe(true);
  });

  it("a checkpoint not signed by the pinned log key: the checkpoint check fails, and no inclusion is accepted", async () => {
    const detail = await detailOf(chain.executionSeq, auditor.cookie);
    const stranger = formatVkey({ name: detail.checkpoint.note.split("\n")[0]!, publicKey: (await generateKeyPair()).publicKey.raw });
    const result = await verify(detail, stranger);
    expect(result.ok).toBe(false);
    expect(result.checkpoint).toMatchObject({ ok: false, sentence: expect.stringContaining("not validly signed") });
    expect(result.entries.every((e) => !e.checks.find((c) => c.kind === "inclusion")!.ok)).toBe(true);
  });
});
