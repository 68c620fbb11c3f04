/**
 * The chain of custody as steps people read: one per entry, in log order, with the machine,
 * operator and policy each step names resolved to links (id and current name).
 */
import { APPROVAL_EVENTS } from "../../approvals/events";
import { INTENT_EVENTS } from "../../intents/events";
import { POLICY_EVENTS } from "../../policies/store/events";
import type { HashedAuditEntry } from "../entry";
import { MACHINE_REQUEST } from "../evidence";
import type { CustodyPolicyRef, CustodyRef, CustodyStep, CustodyStepKind } from "./wire";

type Ev = Record<string, unknown>;

export interface Names {
  machines: Map<string, string>;
  operators: Map<string, string>;
  policies: Map<string, string>;
}

export interface ChainLinks {
  submissionSeq: number | null;
  /** The deciding rules, from intent.submitted. */
  rules: { policyId: string; version: number; ruleId: string }[];
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const ref = (id: string | null, names: Map<string, string>): CustodyRef | null => (id ? { id, name: names.get(id) ?? null } : null);

/** The machine a machine actor is: a resource service names itself in the evidence, everyone else is the subject. */
function actorMachineId(entry: HashedAuditEntry): string | null {
  if (entry.actor.type !== "machine") return null;
  return str((entry.evidence as Ev).verifierMachineId) ?? str(entry.subjects.machine);
}

function kindOf(entry: HashedAuditEntry, links: ChainLinks): CustodyStepKind {
  switch (entry.type) {
    case MACHINE_REQUEST:
      return entry.seq === links.submissionSeq || links.submissionSeq === null ? "request" : "verify_request";
    case POLICY_EVENTS.published:
    case POLICY_EVENTS.rolledBack:
      return "policy";
    case INTENT_EVENTS.submitted:
      return "intent";
    case APPROVAL_EVENTS.approved:
    case APPROVAL_EVENTS.rejected:
      return "approval";
    case APPROVAL_EVENTS.intentApproved:
    case APPROVAL_EVENTS.intentRejected:
      return "decision";
    case INTENT_EVENTS.expired:
      return "expiry";
    case INTENT_EVENTS.executed:
      return "execution";
    case INTENT_EVENTS.executionRefused:
      return "refusal";
    default:
      return "entry";
  }
}

function policiesOf(entry: HashedAuditEntry, kind: CustodyStepKind, links: ChainLinks, names: Names): CustodyPolicyRef[] {
  const named = (policyId: string, version: number, ruleId: string | null) => ({ id: policyId, name: names.policies.get(policyId) ?? null, version, ruleId });
  if (kind === "intent") return links.rules.map((r) => named(r.policyId, r.version, r.ruleId));
  if (kind !== "policy") return [];
  const [policyId, version] = String(entry.subjects.policyVersion ?? "").split("@");
  if (!policyId || !version) return [];
  const rules = links.rules.filter((r) => r.policyId === policyId && String(r.version) === version).map((r) => r.ruleId);
  return [named(policyId, Number(version), rules.length > 0 ? rules.join(", ") : null)];
}

function titleOf(entry: HashedAuditEntry, kind: CustodyStepKind, names: Names): string {
  const ev = entry.evidence as Ev;
  const operator = names.operators.get(entry.actor.id) ?? entry.actor.id;
  switch (kind) {
    case "request":
      return `Signed request: ${String(ev.method ?? "")} ${requestPath(ev)}`;
    case "verify_request":
      return `Execution check requested: ${String(ev.method ?? "")} ${requestPath(ev)}`;
    case "policy":
      return `Policy version ${String(entry.subjects.policyVersion ?? "").split("@")[1] ?? "?"} ${entry.type === POLICY_EVENTS.rolledBack ? "published by rollback" : "published"}`;
    case "intent":
      return `Intent submitted: ${String(ev.status ?? "decided")}`;
    case "approval":
      return `${entry.type === APPROVAL_EVENTS.approved ? "Approved" : "Rejected"} by ${operator} with a passkey`;
    case "decision":
      return entry.type === APPROVAL_EVENTS.intentApproved ? "Intent approved: approvals complete" : "Intent rejected";
    case "expiry":
      return "Intent expired";
    case "execution":
      return "Executed (once)";
    case "refusal":
      return `Execution refused: ${String(ev.reason ?? "")}`;
    default:
      return entry.type;
  }
}

function requestPath(ev: Ev): string {
  try {
    return new URL(String(ev.targetUri)).pathname;
  } catch {
    return "";
  }
}

function reasonOf(entry: HashedAuditEntry, kind: CustodyStepKind): string | null {
  const ev = entry.evidence as Ev;
  if (kind === "approval") return str(ev.reason);
  if (kind === "refusal") return str(ev.message);
  return null;
}

export function custodyStep(entry: HashedAuditEntry, links: ChainLinks, names: Names): CustodyStep {
  const kind = kindOf(entry, links);
  const ev = entry.evidence as Ev;
  const machineId = str(entry.subjects.machine) ?? str(ev.machineId);
  return {
    kind,
    seq: entry.seq,
    time: entry.time,
    type: entry.type,
    title: titleOf(entry, kind, names),
    summary: entry.summary,
    actor: {
      type: entry.actor.type,
      id: entry.actor.id,
      machine: ref(actorMachineId(entry), names.machines),
      operator: entry.actor.type === "operator" ? ref(entry.actor.id, names.operators) : null,
    },
    machine: ref(machineId, names.machines),
    policies: policiesOf(entry, kind, links, names),
    reason: reasonOf(entry, kind),
  };
}

/** The ids a timeline names, to look their names up in one query per table. */
export function namedIds(entries: readonly HashedAuditEntry[], links: ChainLinks): { machines: string[]; operators: string[]; policies: string[] } {
  const machines = new Set<string>();
  const operators = new Set<string>();
  const policies = new Set(links.rules.map((r) => r.policyId));
  for (const e of entries) {
    for (const id of [str(e.subjects.machine), str((e.evidence as Ev).machineId), actorMachineId(e)]) if (id) machines.add(id);
    if (e.actor.type === "operator") operators.add(e.actor.id);
    const pv = str(e.subjects.policyVersion);
    if (pv) policies.add(pv.split("@")[0]!);
  }
  return { machines: [...machines], operators: [...operators], policies: [...policies] };
}
