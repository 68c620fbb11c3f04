/**
 * What the policies store reads from recorded intents: the impact preview replays them
 * (recordedIntentsSince, the shape of lib/policies/store/impact.ts IntentSource), and the
 * editor's pickers suggest what machines have asked for (intentSuggestions).
 */
import type { Db } from "../db/client";
import type { RecordedIntent } from "../policies/store/impact";
import { intentFromRow } from "./model";

/** The most intents one call returns, whatever the caller asks. */
export const MAX_RECORDED = 10_000;

/**
 * The intents submitted since `since` (inclusive): the newest `limit` of them, oldest first,
 * each with the inputs its decision saw (the machine's tags then, the time, the rate counts;
 * no source address, which the server does not use). The machine's name is its name now.
 */
export async function recordedIntentsSince(db: Db, since: Date, limit = MAX_RECORDED): Promise<RecordedIntent[]> {
  const take = Math.max(0, Math.min(Math.floor(limit), MAX_RECORDED));
  if (take === 0) return [];
  const rows = await db.intent.findMany({ where: { createdAt: { gte: since } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
  const machineIds = [...new Set(rows.map((r) => r.machineId))];
  const machines = new Map<string, string>();
  for (let i = 0; i < machineIds.length; i += 500) {
    const found = await db.machine.findMany({ where: { id: { in: machineIds.slice(i, i + 500) } }, select: { id: true, name: true } });
    for (const m of found) machines.set(m.id, m.name);
  }
  return rows.reverse().map((row) => {
    const intent = intentFromRow(row);
    const input = intent.decision.input;
    return {
      id: intent.id,
      machine: { id: intent.machineId, name: machines.get(intent.machineId) ?? intent.machineId, tags: [...(input?.tags ?? [])] },
      action: intent.action,
      resource: intent.resource,
      params: intent.document.params,
      context: { now: intent.decidedAt },
      rateCounts: input?.rateCounts ?? {},
    };
  });
}

export interface IntentSuggestions {
  /** Distinct actions machines asked for, most recently asked first. */
  actions: string[];
  /** Distinct resources, most recently asked first. */
  resources: string[];
}

export const SUGGESTION_DAYS = 30;
export const MAX_SUGGESTIONS = 1000;

/** What machines have asked for since `since` (default: the last 30 days), most recent first, at most `limit` of each. */
export async function intentSuggestions(db: Db, options: { now?: Date; since?: Date; limit?: number } = {}): Promise<IntentSuggestions> {
  const now = options.now ?? new Date();
  const since = options.since ?? new Date(now.getTime() - SUGGESTION_DAYS * 86_400_000);
  const take = Math.max(1, Math.min(Math.floor(options.limit ?? MAX_SUGGESTIONS), MAX_SUGGESTIONS));
  const where = { createdAt: { gte: since } };
  const [actions, resources] = await Promise.all([
    db.intent.groupBy({ by: ["action"], where, _max: { createdAt: true }, orderBy: [{ _max: { createdAt: "desc" } }, { action: "asc" }], take }),
    db.intent.groupBy({ by: ["resource"], where, _max: { createdAt: true }, orderBy: [{ _max: { createdAt: "desc" } }, { resource: "asc" }], take }),
  ]);
  return { actions: actions.map((a) => a.action), resources: resources.map((r) => r.resource) };
}
