/** Builders for the policy store tests: documents, store calls as an operator, and state snapshots. */
import type { AuditActor } from "@/lib/audit/entry";
import { entryFromRow } from "@/lib/audit/rows";
import type { Db } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import type { PolicyDocument, PolicyRule } from "@/lib/policies";
import { PolicyError } from "@/lib/policies/store/errors";
import { createPolicy, publishPolicy } from "@/lib/policies/store/repository";
import { rejectionOf } from "../helpers/rejection";

export const ACTOR: AuditActor = { type: "operator", id: "op-store-test" };

export function rule(partial: Partial<PolicyRule> = {}): PolicyRule {
  return { id: "r1", effect: "allow", actions: ["payments.transfer"], resources: ["accounts/*/payouts"], ...partial } as PolicyRule;
}

export function doc(name: string, rules: PolicyRule[] = [rule()], targets: PolicyDocument["targets"] = { all: true }): PolicyDocument {
  return { format: "pteri.policy/v1", name, targets, rules };
}

/** A policy created and published once with `document` (its name is the document's). */
export async function publishedPolicy(db: Db, document: PolicyDocument, note = "first version") {
  const policy = await writeTransaction(db, (tx) => createPolicy(tx, ACTOR, { name: document.name }));
  const version = await writeTransaction(db, (tx) => publishPolicy(tx, ACTOR, policy.id, { note, document }));
  return { policy, version };
}

/** The code of the PolicyError a promise rejects with. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  return (await rejectionOf(promise, PolicyError)).code;
}

export async function snapshot(db: Db) {
  const [policies, versions, audit] = await Promise.all([
    db.policy.findMany({ orderBy: { id: "asc" } }),
    db.policyVersion.findMany({ orderBy: [{ policyId: "asc" }, { version: "asc" }] }),
    db.auditEntry.count(),
  ]);
  return { policies, versions, audit };
}

export async function auditEntries(db: Db, type: string) {
  const rows = await db.auditEntry.findMany({ where: { type }, orderBy: { seq: "asc" } });
  return rows.map(entryFromRow);
}
