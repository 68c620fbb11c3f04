/**
 * Rate counts for the engine (rateLimitsFor in lib/policies/evaluate.ts): for each
 * rate-limited allow rule that could apply, how many of this machine's intents that rule
 * matched within its window before `now`. IntentRuleMatch rows are written only for intents
 * whose decision was not deny (allowed, or pending approval), so a count is one index range:
 * [machineId, policyId, ruleId, createdAt]. What happens to an intent later (rejected,
 * expired, executed) does not give its use back.
 */
import type { Tx } from "../db/client";
import { rateLimitsFor, type CompiledPolicySet, type RateCounts } from "../policies";

type Reader = Pick<Tx, "intentRuleMatch">;

export async function rateCountsFor(
  db: Reader,
  set: CompiledPolicySet,
  input: { machine: { id: string; tags: readonly string[] }; action: string; resource: string },
  now: Date,
): Promise<RateCounts> {
  const counts: Record<string, Record<string, number>> = {};
  for (const limit of rateLimitsFor(set, input)) {
    const count = await db.intentRuleMatch.count({
      where: {
        machineId: input.machine.id,
        policyId: limit.policyId,
        ruleId: limit.ruleId,
        createdAt: { gt: new Date(now.getTime() - limit.windowSeconds * 1000), lte: now },
      },
    });
    (counts[limit.policyId] ??= {})[limit.ruleId] = count;
  }
  return counts;
}
