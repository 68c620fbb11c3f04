/**
 * Set-up for the intents tests: intent documents, published policies (through the policies
 * store, as an operator would publish them), and submissions that go through real request
 * authentication first, so each one has its own `machine.request` entry to link to.
 */
import type { AuditActor } from "@/lib/audit/entry";
import { entryFromRow } from "@/lib/audit/rows";
import { authenticateMachineRequest } from "@/lib/auth/authenticate-machine";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { IntentError } from "@/lib/intents/errors";
import { submitIntent, type SubmitResult } from "@/lib/intents/submit";
import { INTENT_FORMAT, INTENTS_PATH, type IntentDocument } from "@/lib/intents/wire";
import type { PolicyDocument, PolicyRule } from "@/lib/policies";
import { createPolicy, publishPolicy } from "@/lib/policies/store/repository";
import { PUBLIC_URL, signedRequest, testDeps, type Enrolled, type TestDb } from "../auth/helpers";
import { rejectionOf } from "../helpers/rejection";

export const ACTOR: AuditActor = { type: "operator", id: "op-intents-test" };
export const AUDIENCE = "https://svc.example";

export function intentDoc(over: Partial<IntentDocument> = {}): IntentDocument {
  return {
    format: INTENT_FORMAT,
    action: "deploy.start",
    resource: "services/api",
    params: { version: "1.2.3" },
    audience: AUDIENCE,
    execute: { method: "POST", targetUri: `${AUDIENCE}/deploy`, contentDigest: null },
    ...over,
  };
}

export function rule(partial: Partial<PolicyRule> & { id: string }): PolicyRule {
  return { effect: "allow", actions: ["deploy.start"], resources: ["services/*"], ...partial } as PolicyRule;
}

export function policyDoc(name: string, rules: PolicyRule[], targets: PolicyDocument["targets"] = { all: true }): PolicyDocument {
  return { format: "pteri.policy/v1", name, targets, rules };
}

/** Creates and publishes a policy; returns its id and version. */
export async function publish(db: Db, document: PolicyDocument, now = new Date()): Promise<{ id: string; version: number }> {
  const policy = await writeTransaction(db, (tx) => createPolicy(tx, ACTOR, { name: document.name }, now));
  const version = await writeTransaction(db, (tx) => publishPolicy(tx, ACTOR, policy.id, { note: "test", document }, now));
  return { id: policy.id, version: version.version };
}

/** Publishes a new version of an existing policy. */
export async function republish(db: Db, id: string, document: PolicyDocument, now = new Date()): Promise<number> {
  return (await writeTransaction(db, (tx) => publishPolicy(tx, ACTOR, id, { note: "test update", document }, now))).version;
}

export interface Submitted extends SubmitResult {
  requestSeq: number;
}

/**
 * Signs a POST /api/v1/intents with the machine's key at `nowMs`, authenticates it (its
 * machine.request entry commits), then submits the body as the route does.
 */
export async function submitSigned(env: TestDb, who: Enrolled, body: string | Uint8Array, nowMs: number): Promise<Submitted> {
  const signed = await signedRequest(who.key, { url: `${PUBLIC_URL}${INTENTS_PATH}`, body, sign: { now: () => nowMs / 1000 } });
  const auth = await authenticateMachineRequest(signed.make(), testDeps(env.db, env.config, { now: () => nowMs }));
  if (!auth.ok) throw new Error(`authentication failed: ${auth.code}`);
  const result = await submitIntent(env.db, { machine: auth.machine, keyId: auth.keyId, body: auth.body, requestSeq: auth.auditSeq, now: new Date(nowMs) });
  return { ...result, requestSeq: auth.auditSeq };
}

export async function auditOf(db: Db, type: string) {
  const rows = await db.auditEntry.findMany({ where: { type }, orderBy: { seq: "asc" } });
  return rows.map(entryFromRow);
}

export async function counts(db: Db) {
  const [intents, matches, submitted] = await Promise.all([db.intent.count(), db.intentRuleMatch.count(), db.auditEntry.count({ where: { type: "intent.submitted" } })]);
  return { intents, matches, submitted };
}

/** The code of the IntentError a promise rejects with. */
export async function intentErrorCode(promise: Promise<unknown>): Promise<string> {
  return (await rejectionOf(promise, IntentError)).code;
}
