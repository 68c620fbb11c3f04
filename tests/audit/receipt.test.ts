/**
 * Audit receipts end to end: an intent submitted (signed, through the route), approved by two
 * operators with their passkeys, executed once through POST /api/v1/verify; its receipt
 * fetched by the machine (GET /api/v1/intents/{id}/receipt) and verified offline, by the
 * library and by the real CLI. Then each attack on the receipt must be refused.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as receiptRoute } from "@/app/api/v1/intents/[id]/receipt/route";
import { formatCheckpoint, parseCheckpoint, signNote } from "@/lib/audit/checkpoint";
import { inclusionProofFor } from "@/lib/audit/db-proofs";
import { entryDocument, entryHash } from "@/lib/audit/entry";
import { getLogIdentity, type LogIdentity } from "@/lib/audit/log-identity";
import { formatTlogProof, verifyReceipt, type AuditReceipt } from "@/lib/audit/receipt";
import { receiptReport } from "@/lib/audit/receipt-report";
import { entryFromRow } from "@/lib/audit/rows";
import { loadConfig } from "@/lib/config/env";
import { INTENTS_PATH, type IntentAnswer } from "@/lib/intents/wire";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { base64Encode } from "@/lib/protocol/encoding";
import { signedRequest, type Enrolled } from "../auth/helpers";
import { APPROVE, decide, person, type Person } from "../approvals/helpers";
import { executeOnce, paymentsScene, submitTransfer } from "../intents/verify-helpers";
import { ORIGIN, type TestHost } from "../operators/helpers/host";
import { runCli } from "./helpers";

let host: TestHost;
let owner: Enrolled;
let other: Enrolled;
let service: Enrolled;
let alice: Person;
let bob: Person;
let identity: LogIdentity;
let approved: IntentAnswer;
let plain: IntentAnswer;
let receipt: AuditReceipt;

const realClock = { now: () => Date.now() / 1000 };
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function fetchReceipt(machine: Enrolled, id: string): Promise<Response> {
  const request = await signedRequest(machine.key, { url: `${ORIGIN}${INTENTS_PATH}/${encodeURIComponent(id)}/receipt`, method: "GET", sign: realClock });
  return receiptRoute(request.make());
}

const verify = (value: unknown, logKey = identity.vkey) => verifyReceipt(value, { logKey, backend: nodeEd25519 });

beforeAll(async () => {
  ({ host, owner, other, service } = await paymentsScene(2));
  alice = await person(host.db, "Alice");
  bob = await person(host.db, "Bob");
  identity = await getLogIdentity(host.db, loadConfig());

  approved = await submitTransfer(owner, "receipt-approved", { action: "payments.large" });
  expect(approved.status).toBe("pending");
  expect((await decide(alice, approved.id, APPROVE)).status).toBe(201);
  expect((await decide(bob, approved.id, APPROVE)).status).toBe(201);
  expect(await executeOnce(service, owner, approved.id)).toMatchObject({ decision: "allow" });
  plain = await submitTransfer(owner, "receipt-plain");
  expect(await executeOnce(service, owner, plain.id)).toMatchObject({ decision: "allow" });

  const response = await fetchReceipt(owner, approved.id);
  expect(response.status).toBe(200);
  receipt = (await response.json()) as AuditReceipt;
}, 120_000);
afterAll(() => host.close());

describe("a receipt for submit, two approvals, execute", () => {
  it("holds the intent's entries (and the signed requests behind them) under one checkpoint covering the newest", async () => {
    expect(receipt).toMatchObject({ format: "pteri-audit-receipt", version: 1, origin: identity.origin, logKey: identity.vkey, logKeyId: identity.keyId, intentId: approved.id });
    expect(receipt.entries.map((e) => e.entry.type)).toEqual([
      "machine.request",
      "intent.submitted",
      "approval.approved",
      "approval.approved",
      "intent.approved",
      "machine.request",
      "intent.executed",
    ]);
    const parsed = parseCheckpoint(receipt.checkpoint.slice(0, receipt.checkpoint.indexOf("\n\n") + 1));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.checkpoint.size).toBeGreaterThan(receipt.entries.at(-1)!.index);
    expect(receipt.entries.every((e) => e.index === e.entry.seq)).toBe(true);
    expect(receipt.keys.map((k) => k.keyId).sort()).toEqual([owner.key.publicKey.keyId, service.key.publicKey.keyId].sort());
  });

  it("verifies with the pinned log key and says what it proves", async () => {
    const result = await verify(receipt);
    if (!result.ok) throw new Error(result.message);
    expect(result).toMatchObject({ machineSignatures: 3, approvalSignatures: 2 });
    const report = receiptReport(result);
    expect(report).toMatchObject({
      intentId: approved.id,
      intentHash: approved.hash,
      action: "payments.large",
      submitted: { keyId: owner.key.publicKey.keyId, machineId: owner.machine.id },
      decision: { decision: "allow_with_approval", rules: [{ ruleId: "large", policyVersion: 1, effect: "allow" }] },
      settled: { status: "approved" },
      executed: { resourceServiceKeyId: service.key.publicKey.keyId, method: "POST" },
      expired: null,
      refusedExecutions: 0,
    });
    expect(report.approvals.map((a) => [a.operatorId, a.decision])).toEqual([
      [alice.id, "approve"],
      [bob.id, "approve"],
    ]);
  });

  it("another machine asking gets 404, exactly as for an id that does not exist", async () => {
    const theirs = await fetchReceipt(other, approved.id);
    const none = await fetchReceipt(owner, "cl_no_such_intent");
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    const [a, b] = [(await theirs.json()) as { code: string; detail: string }, (await none.json()) as { code: string; detail: string }];
    expect(a.code).toBe(b.code);
    expect(JSON.stringify(a)).not.toContain(approved.hash);
  });

  it("each entry is also a C2SP tlog-proof", () => {
    const e = receipt.entries[1]!;
    const text = formatTlogProof(e, receipt.checkpoint);
    expect(text).toBe(`c2sp.org/tlog-proof@v1\nindex ${e.index}\n${e.proof.join("\n")}\n\n${receipt.checkpoint}`);
  });
});

describe("attacks on a receipt", () => {
  it("a changed entry is refused (hash mismatch), and one with its hash recomputed fails its inclusion proof", async () => {
    const changed = copy(receipt);
    changed.entries[2]!.entry.evidence.reason = "no one checked";
    expect(await verify(changed)).toMatchObject({ ok: false, code: "hash_mismatch", seq: changed.entries[2]!.index });

    const rehashed = copy(changed);
    const e = rehashed.entries[2]!.entry;
    e.entryHash = entryHash(entryDocument(e));
    expect(await verify(rehashed)).toMatchObject({ ok: false, code: "inclusion_invalid", seq: e.seq });
  });

  it("a changed inclusion proof is refused", async () => {
    const tampered = copy(receipt);
    const proof = tampered.entries[4]!.proof;
    expect(proof.length).toBeGreaterThan(0);
    proof[0] = base64Encode(new Uint8Array(32).fill(7));
    expect(await verify(tampered)).toMatchObject({ ok: false, code: "inclusion_invalid", seq: tampered.entries[4]!.index });
    const shortened = copy(receipt);
    shortened.entries[4]!.proof.pop();
    expect(await verify(shortened)).toMatchObject({ ok: false, code: "inclusion_invalid" });
  });

  it("a checkpoint signed by another key is refused, even with the same origin and root", async () => {
    const forger = crypto.getRandomValues(new Uint8Array(32));
    const body = receipt.checkpoint.slice(0, receipt.checkpoint.indexOf("\n\n") + 1);
    const forged = copy(receipt);
    forged.checkpoint = await signNote(body, { name: identity.origin, seed: forger }, nodeEd25519);
    expect(await verify(forged)).toMatchObject({ ok: false, code: "checkpoint_invalid" });
    // A forger who also rewrites an entry and signs a checkpoint over it gets nowhere either.
    const parsed = parseCheckpoint(body);
    if (!parsed.ok) throw new Error(parsed.message);
    forged.checkpoint = await signNote(formatCheckpoint({ ...parsed.checkpoint, rootHash: new Uint8Array(32) }), { name: identity.origin, seed: forger }, nodeEd25519);
    expect(await verify(forged)).toMatchObject({ ok: false, code: "checkpoint_invalid" });
  });

  it("entries of another intent mixed in are refused, even with valid inclusion proofs", async () => {
    const size = Number(receipt.checkpoint.split("\n")[1]);
    const rows = await host.db.auditEntry.findMany({ where: { type: "intent.submitted", seq: { lt: size } }, orderBy: { seq: "asc" } });
    const foreign = rows.map(entryFromRow).find((e) => e.subjects.intent === plain.id)!;
    expect(foreign).toBeDefined();
    const mixed = copy(receipt);
    const proof = (await inclusionProofFor(host.db, foreign.seq, size)).map(base64Encode);
    mixed.entries = [...mixed.entries, { index: foreign.seq, proof, entry: foreign }].sort((a, b) => a.index - b.index);
    expect(await verify(mixed)).toMatchObject({ ok: false, code: "intent_mismatch", seq: foreign.seq });

    // Relabelled as this intent's receipt: the other intent's own submission is not this one's.
    const theirs = (await (await fetchReceipt(owner, plain.id)).json()) as AuditReceipt;
    expect((await verify(theirs)).ok).toBe(true);
    expect(theirs.checkpoint).toBe(receipt.checkpoint); // already covered its entries: no new signature
    expect(await verify({ ...theirs, intentId: approved.id })).toMatchObject({ ok: false, code: "intent_mismatch" });
  });

  it("a machine signature or a passkey assertion that does not verify is refused", async () => {
    const noKey = copy(receipt);
    noKey.keys = noKey.keys.filter((k) => k.keyId !== owner.key.publicKey.keyId);
    expect(await verify(noKey)).toMatchObject({ ok: false, code: "key_missing", seq: receipt.entries[0]!.index });
    const swapped = copy(receipt);
    const ownerKey = swapped.keys.find((k) => k.keyId === owner.key.publicKey.keyId)!;
    ownerKey.publicJwk = other.key.publicKey.jwk;
    expect(await verify(swapped)).toMatchObject({ ok: false, code: "key_invalid" });
  });

  it("a log key other than the log's, or a receipt that is not one, is refused", async () => {
    const stranger = crypto.getRandomValues(new Uint8Array(32));
    const { formatVkey } = await import("@/lib/audit/note");
    const otherKey = formatVkey({ name: identity.origin, publicKey: await nodeEd25519.publicKeyFromSeed(stranger) });
    expect(await verify(receipt, otherKey)).toMatchObject({ ok: false, code: "checkpoint_invalid" });
    expect(await verify({ ...receipt, format: "something-else" })).toMatchObject({ ok: false, code: "malformed" });
    expect(await verify({ ...receipt, entries: [] })).toMatchObject({ ok: false, code: "malformed" });
    expect(await verify(null)).toMatchObject({ ok: false, code: "malformed" });
  });
});

describe("pteri audit verify-receipt", () => {
  const write = (value: unknown, name: string) => {
    const file = path.join(host.dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it("accepts the receipt and reports the intent's life; --json gives the report", async () => {
    const file = write(receipt, "receipt.json");
    const r = await runCli(["audit", "verify-receipt", file, "--log-key", identity.vkey]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`OK: receipt for intent ${approved.id} verified: 7 entries`);
    expect(r.stdout).toContain("by rule large of policy");
    expect(r.stdout).toMatch(/approved .* by operator .*"checked the ticket" \(passkey signature verified\)/);
    expect(r.stdout).toContain(`executed    `);
    expect(r.stdout).toContain("3 machine (Ed25519) and 2 passkey signatures re-verified");
    const json = await runCli(["audit", "verify-receipt", file, "--log-key", identity.vkey, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, intentId: approved.id, approvals: [{ operatorId: alice.id }, { operatorId: bob.id }] });
  });

  it("a tampered receipt exits 1 with one line naming the entry; no --log-key is a usage error", async () => {
    const changed = copy(receipt);
    changed.entries[6]!.entry.time = "2020-01-01T00:00:00.000Z";
    const r = await runCli(["audit", "verify-receipt", write(changed, "tampered.json"), "--log-key", identity.vkey]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`pteri: entry ${changed.entries[6]!.index}: hash mismatch: the entry was modified\n`);
    const missing = await runCli(["audit", "verify-receipt", write(receipt, "r2.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^pteri: missing --log-key/);
  });
});
