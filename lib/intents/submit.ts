/**
 * Submitting an intent (POST /api/v1/intents). The request was authenticated first, and its
 * `machine.request` entry (the signed material) committed; `requestSeq` names that entry.
 *
 *  1. Parse, check and hash the body (parse.ts): bad input is an IntentError and nothing is
 *     stored.
 *  2. In ONE write transaction (which holds the database-wide write lock, so submissions,
 *     publications and rate counts are serialized across Console instances):
 *     - the same document from the same machine already stored: that intent, as it is
 *       (`created: false`, no new entry); expiry is applied on read like everywhere else;
 *     - otherwise decide it with the policies in force (policy-set.ts) and this machine's rate
 *       counts (rate.ts), and insert the intent, its rule matches and `intent.submitted`.
 *
 * The source address is not known reliably on the server (proxies), so it is left out of the
 * context: a rule with sourceAddresses then fails closed (an allow rule does not apply, a deny
 * rule does). See docs/intents.md.
 */
import { recordAuditEvent } from "../audit/log";
import type { Db } from "../db/client";
import { writeTransaction, type WriteTx } from "../db/transaction";
import type { Machine } from "../machines/model";
import { evaluate, type Decision, type RuleMatch } from "../policies";
import { INTENT_EVENTS } from "./events";
import { DEFAULT_EXECUTION_VALIDITY_SECONDS, intentFromRow, storeDecision, type IntentRecord } from "./model";
import { parseIntentBody, type ParsedIntent } from "./parse";
import { policiesInForce } from "./policy-set";
import { rateCountsFor } from "./rate";
import { expireIfDue } from "./expiry";
import { notifyIntentEvent } from "../webhooks/notify";
import type { IntentStatus } from "./wire";

export interface IntentSettings {
  /** How long an intent allowed outright may be executed (seconds). */
  executionValiditySeconds: number;
}

export const DEFAULT_INTENT_SETTINGS: IntentSettings = { executionValiditySeconds: DEFAULT_EXECUTION_VALIDITY_SECONDS };

export interface SubmitIntentInput {
  machine: Pick<Machine, "id" | "name" | "tags">;
  /** The key id the submission was signed with. */
  keyId: string;
  /** The request body (authenticated and digest-checked). */
  body: Uint8Array;
  /** The `machine.request` audit entry of the submission. */
  requestSeq: number;
  now: Date;
  settings?: Partial<IntentSettings>;
}

export interface SubmitResult {
  intent: IntentRecord;
  /** false: the same intent was already stored and is returned as it is. */
  created: boolean;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function statusOf(decision: Decision): IntentStatus {
  return decision.decision === "allow" ? "allowed" : decision.decision === "allow_with_approval" ? "pending" : "denied";
}

function expiryOf(decision: Decision, now: Date, settings: IntentSettings): Date {
  const seconds = decision.decision === "allow" ? settings.executionValiditySeconds : decision.decision === "allow_with_approval" ? decision.approval!.expiresInSeconds : 0;
  return new Date(now.getTime() + seconds * 1000);
}

/** For a rate_limited deny: the allow rule whose limit was used up (a second, explained evaluation; rare). */
function limitingRule(set: Parameters<typeof evaluate>[0], input: Parameters<typeof evaluate>[1]): RuleMatch | undefined {
  const explained = evaluate(set, input, { explain: true });
  const miss = explained.notMatched.find((m) => m.effect === "allow" && m.failed.kind === "rate_limit" && m.failed.problem === "exhausted");
  return miss && { policyId: miss.policyId, policyVersion: miss.policyVersion, ruleId: miss.ruleId, effect: miss.effect };
}

function summaryOf(machineName: string, parsed: ParsedIntent, decision: Decision): string {
  const rule = decision.decidedBy[0];
  const by = rule ? ` by rule "${rule.ruleId}" of policy ${rule.policyId} v${rule.policyVersion}` : "";
  const outcome = decision.decision === "allow" ? "allowed" : decision.decision === "allow_with_approval" ? "pending approval" : `denied (${decision.reason})`;
  return `Machine "${machineName}" submitted intent ${clip(parsed.document.action, 100)} on ${clip(parsed.document.resource, 200)}: ${outcome}${by}.`;
}

export async function submitIntent(db: Db, input: SubmitIntentInput): Promise<SubmitResult> {
  const parsed = parseIntentBody(input.body);
  const settings = { ...DEFAULT_INTENT_SETTINGS, ...input.settings };
  return writeTransaction(db, async (tx) => {
    const existing = await tx.intent.findUnique({ where: { machineId_hash: { machineId: input.machine.id, hash: parsed.hash.hex } } });
    if (existing) return { intent: await expireIfDue(tx, intentFromRow(existing), input.now), created: false };
    return { intent: await decideAndStore(tx, parsed, input, settings), created: true };
  });
}

async function decideAndStore(tx: WriteTx, parsed: ParsedIntent, input: SubmitIntentInput, settings: IntentSettings): Promise<IntentRecord> {
  const { machine, now } = input;
  const { document } = parsed;
  const set = await policiesInForce(tx);
  const subject = { id: machine.id, tags: machine.tags };
  const rateCounts = await rateCountsFor(tx, set, { machine: subject, action: document.action, resource: document.resource }, now);
  const evaluation = { machine: subject, action: document.action, resource: document.resource, params: document.params, context: { now }, rateCounts };
  const decision = evaluate(set, evaluation, { explain: false });
  const stored = storeDecision(decision, { tags: machine.tags, rateCounts }, decision.reason === "rate_limited" ? limitingRule(set, evaluation) : undefined);
  const status = statusOf(decision);
  const obligation = decision.decision === "allow_with_approval" ? decision.approval! : null;

  const row = await tx.intent.create({
    data: {
      machineId: machine.id,
      keyId: input.keyId,
      hash: parsed.hash.hex,
      document: parsed.canonical,
      action: document.action,
      resource: document.resource,
      audience: document.audience,
      status,
      decision: JSON.stringify(stored),
      obligation: obligation ? JSON.stringify(obligation) : null,
      expiresAt: expiryOf(decision, now, settings),
      executionWindowSeconds: obligation?.executionWindowSeconds ?? null,
      createdAt: now,
      decidedAt: now,
      submissionSeq: input.requestSeq,
    },
  });
  if (decision.decision !== "deny") {
    const seen = new Set<string>();
    const matches = decision.matched.filter((m) => m.effect === "allow" && !seen.has(`${m.policyId}\n${m.ruleId}`) && seen.add(`${m.policyId}\n${m.ruleId}`));
    if (matches.length > 0) {
      await tx.intentRuleMatch.createMany({ data: matches.map((m) => ({ intentId: row.id, machineId: machine.id, policyId: m.policyId, ruleId: m.ruleId, createdAt: now })) });
    }
  }
  const entry = await recordAuditEvent(tx, {
    type: INTENT_EVENTS.submitted,
    actor: { type: "machine", id: input.keyId },
    subjects: { machine: machine.id, intent: row.id },
    summary: summaryOf(machine.name, parsed, decision),
    evidence: {
      intentId: row.id,
      machineId: machine.id,
      requestSeq: input.requestSeq,
      hash: parsed.hash.hex,
      document: parsed.document,
      // The body as signed, when it differs from the canonical form: with the request entry's
      // Content-Digest, anyone can check offline that this document is what was signed.
      ...(parsed.text !== parsed.canonical ? { body: parsed.text } : {}),
      status,
      expiresAt: row.expiresAt.toISOString(),
      decision: { decision: stored.decision, reason: stored.reason, message: stored.message, rules: stored.rules, ...(stored.limitedBy ? { limitedBy: stored.limitedBy } : {}), policies: stored.policies },
      ...(obligation ? { obligation } : {}),
      rateCounts,
    },
    time: now,
  });
  const intent = intentFromRow(row);
  if (status === "pending") await notifyIntentEvent(tx, { type: "intent.pending", intent, auditSeq: entry.seq }, now);
  return intent;
}
