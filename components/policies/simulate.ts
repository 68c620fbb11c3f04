/**
 * Client-side evaluation for the simulator and the effective-access matrix: the same pure engine
 * the server uses (lib/policies), compiled once per document and reused for every cell.
 */
import { compilePolicies, evaluate, rateLimitsFor, validatePolicy, type CompiledPolicySet, type Decision, type EvaluationInput } from "@/lib/policies";

export type Compiled = { ok: true; set: CompiledPolicySet; version: number } | { ok: false; problems: number };

export function compileDocument(id: string, version: number, document: unknown): Compiled {
  const valid = validatePolicy(document);
  if (!valid.ok) return { ok: false, problems: valid.issues.length };
  try {
    return { ok: true, set: compilePolicies([{ id, version, document: valid.document }]), version };
  } catch {
    return { ok: false, problems: 1 };
  }
}

export interface SimulationInput {
  machineId: string;
  customId: string;
  tags: string;
  action: string;
  resource: string;
  params: string;
  time: string;
  source: string;
  /** Intents the rate-limited rules already allowed in their window (the simulator has no history). */
  recent: string;
}

/** Now, as a datetime-local value in the reader's zone (minutes precision). */
export function localNow(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function parseTagsText(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export type Prepared = { ok: true; input: EvaluationInput } | { ok: false; field: "params" | "time" | "action"; message: string };

export function prepare(sim: SimulationInput, machine: { id: string; tags: string[] } | null): Prepared {
  let params: unknown = {};
  if (sim.params.trim() !== "") {
    try {
      params = JSON.parse(sim.params);
    } catch (error) {
      return { ok: false, field: "params", message: `Parameters are not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const now = sim.time ? new Date(sim.time) : new Date();
  if (Number.isNaN(now.getTime())) return { ok: false, field: "time", message: "Not a valid time." };
  return {
    ok: true,
    input: {
      machine: machine ?? { id: sim.customId.trim() || "simulated-machine", tags: parseTagsText(sim.tags) },
      action: sim.action.trim(),
      resource: sim.resource.trim(),
      params,
      context: { now, sourceAddress: sim.source.trim() || undefined },
    },
  };
}

/**
 * Evaluates with a rate count for every rate-limited rule that could apply: the simulator has
 * no history, so each counts `recent` earlier intents (0 by default: not used up).
 */
export function simulate(set: CompiledPolicySet, input: EvaluationInput, recent = 0): Decision {
  const counts: Record<string, Record<string, number>> = {};
  for (const q of rateLimitsFor(set, input)) (counts[q.policyId] ??= {})[q.ruleId] = recent;
  return evaluate(set, { ...input, rateCounts: counts });
}

export type { Decision };
