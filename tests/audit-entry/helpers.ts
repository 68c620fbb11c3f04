/**
 * A whole chain of custody on a throwaway Console host: a policy published, a payment intent
 * submitted (signed), approved by two operators' passkeys (Ed25519 and P-256), executed once
 * through POST /api/v1/verify after one refused attempt; and GET /api/audit/entries/{seq} as an
 * operator calls it.
 */
import { GET as entryRoute } from "@/app/api/audit/entries/[seq]/route";
import type { AuditEntryDetail } from "@/lib/audit/custody/wire";
import { getLogIdentity } from "@/lib/audit/log-identity";
import { loadConfig } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { enroll, type Enrolled } from "../auth/helpers";
import { APPROVE, decide, person, type Person } from "../approvals/helpers";
import { AUDIENCE, policyDoc, publish, rule } from "../intents/helpers";
import { callVerify, executeOnce, executionRequest, forward, grantVerifier, submitTransfer } from "../intents/verify-helpers";
import { consoleRequest } from "../operators/helpers/host";

export interface Chain {
  policy: { id: string; version: number };
  owner: Enrolled;
  service: Enrolled;
  alice: Person;
  bob: Person;
  intentId: string;
  executionSeq: number;
  submissionSeq: number;
}

export async function buildChain(db: Db): Promise<Chain> {
  const owner = await enroll(db, "payer");
  const service = await enroll(db, "payments-service");
  await grantVerifier(db, service.machine.id);
  const policy = await publish(
    db,
    policyDoc("Payouts", [rule({ id: "two-approvers", actions: ["payments.transfer"], resources: ["accounts/**"], approval: { requirements: [{ approvers: 2 }], expiresInSeconds: 600 } })]),
  );
  const alice = await person(db, "Alice", ["approver"], "Ed25519");
  const bob = await person(db, "Bob", ["approver"], "P-256");
  const intent = await submitTransfer(owner, "custody-chain");
  for (const who of [alice, bob]) {
    const decided = await decide(who, intent.id, { ...APPROVE, reason: `checked by ${who.name}` });
    if (decided.status !== 201) throw new Error(`approval answered ${decided.status}: ${await decided.text()}`);
  }
  // A refused attempt (another target than the intent committed to) before the real execution.
  const elsewhere = await executionRequest(owner.key, intent.id, { url: `${AUDIENCE}/payments/elsewhere` });
  const refused = await callVerify(service, forward(elsewhere, elsewhere.body));
  if (refused.status !== 200) throw new Error(`the refused attempt answered ${refused.status}: ${await refused.text()}`);
  const executed = await executeOnce(service, owner, intent.id);
  if (executed.decision !== "allow") throw new Error(`execution refused: ${executed.reason}`);
  const row = await db.intent.findUniqueOrThrow({ where: { id: intent.id } });
  return { policy, owner, service, alice, bob, intentId: intent.id, executionSeq: row.executionSeq!, submissionSeq: row.submissionSeq };
}

export function getEntry(seq: string | number, cookie?: string): Promise<Response> {
  return entryRoute(consoleRequest(`/api/audit/entries/${seq}`, { cookie }), { params: Promise.resolve({ seq: String(seq) }) });
}

export async function detailOf(seq: number, cookie: string): Promise<AuditEntryDetail> {
  const response = await getEntry(seq, cookie);
  if (response.status !== 200) throw new Error(`GET entry ${seq} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as AuditEntryDetail;
}

export async function logKeyOf(db: Db): Promise<string> {
  return (await getLogIdentity(db, loadConfig())).vkey;
}
