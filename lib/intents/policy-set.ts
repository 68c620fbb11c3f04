/**
 * The compiled policy set in force, for deciding intents. Compiling validates every document
 * and builds its matchers, so it is done once per published state and reused: the state is
 * named by a fingerprint (every policy's latest version: row id, number, digest), read on
 * every decision with one small query, so a publication or rollback is seen by the very next
 * intent, on every Console instance. Correctness first: the fingerprint is read in the same
 * transaction as the decision.
 *
 * A stored document that no longer validates (compilePolicies throws) fails closed: no intent
 * is decided (policies_unavailable, nothing stored) until the policy is fixed.
 */
import type { Tx } from "../db/client";
import { compilePolicies, type CompiledPolicySet } from "../policies";
import { publishedPolicies } from "../policies/store/repository";
import { IntentError } from "./errors";

type Reader = Pick<Tx, "policy" | "policyVersion">;

/** A few recent states: instances (and tests) that alternate between databases keep theirs. */
const MAX_CACHED = 4;
const cache = new Map<string, CompiledPolicySet>();

/** The published state: one line per policy in force. */
export async function publishedFingerprint(db: Reader): Promise<string> {
  const rows = await db.policy.findMany({
    where: { latestVersion: { gt: 0 } },
    orderBy: { id: "asc" },
    select: { id: true, versions: { orderBy: { version: "desc" }, take: 1, select: { id: true, version: true, digest: true } } },
  });
  return rows.map((r) => (r.versions[0] ? `${r.id}@${r.versions[0].version}:${r.versions[0].id}:${r.versions[0].digest}` : `${r.id}@none`)).join("\n");
}

/** The compiled set in force, from the cache when the published state has not changed. */
export async function policiesInForce(db: Reader): Promise<CompiledPolicySet> {
  const key = await publishedFingerprint(db);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let set: CompiledPolicySet;
  try {
    set = compilePolicies(await publishedPolicies(db));
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    console.error(`pteri: the published policies cannot be compiled, so no intent is decided: ${why}`);
    throw new IntentError("policies_unavailable", "A published policy cannot be evaluated, so no intent can be decided now (nothing was stored). An editor must publish a valid version; then submit the intent again.");
  }
  // The state may have moved between the two reads: key the set by what it was built from.
  const built = await publishedFingerprint(db);
  if (built === key) {
    cache.set(key, set);
    while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  }
  return set;
}

/** Tests: forget every compiled set. */
export function clearPolicyCache(): void {
  cache.clear();
}
