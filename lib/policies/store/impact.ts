/**
 * Impact preview: replay the intents machines submitted over a recent period against the
 * published set with one policy replaced by a draft, and list those whose decision would
 * change. Both sides are evaluated with the inputs recorded with each intent (its time,
 * source address and rate counts), so the only difference is the draft.
 *
 * recordedIntents is the one seam to the intents service (lib/intents/recorded.ts); with no
 * intents in the period, a preview evaluates nothing and says so in `note`.
 */
import type { Db } from "../../db/client";
import { recordedIntentsSince } from "../../intents/recorded";
import { compilePolicies, type PublishedPolicy } from "../compile";
import { evaluate, type RateCounts } from "../evaluate";
import { validatePolicy } from "../validate";
import { PolicyError } from "./errors";
import { publishedPolicies, requirePolicy } from "./repository";
import type { ImpactChange, ImpactPreview } from "./view";

export const IMPACT_HOURS = { min: 1, max: 720, default: 24 } as const;
/** The most intents one preview replays (newest first); the note says when it stopped there. */
export const IMPACT_MAX_INTENTS = 10_000;

/** An intent as it was submitted and decided: what a replay needs to decide it again. */
export interface RecordedIntent {
  id: string;
  machine: { id: string; name: string; tags: string[] };
  action: string;
  resource: string;
  params: unknown;
  /** now: when it was decided; sourceAddress: where it came from. */
  context: { now: Date; sourceAddress?: string };
  /** The rate counts it was decided with. */
  rateCounts?: RateCounts;
}

/** The intents submitted since `since` (the newest `limit` of them), oldest first (lib/intents/recorded.ts). */
export const recordedIntents: IntentSource = recordedIntentsSince;

/** Where recorded intents come from: (db, since, limit) -> intents. */
export type IntentSource = (db: Db, since: Date, limit?: number) => Promise<RecordedIntent[]>;

export function validateSinceHours(raw: unknown): number {
  const hours = raw ?? IMPACT_HOURS.default;
  if (typeof hours !== "number" || !Number.isInteger(hours) || hours < IMPACT_HOURS.min || hours > IMPACT_HOURS.max) {
    throw new PolicyError("field_invalid", `sinceHours is a whole number of hours from ${IMPACT_HOURS.min} to ${IMPACT_HOURS.max} (30 days).`);
  }
  return hours;
}

/**
 * What would change if `document` replaced policy `policyId`'s version in force: every
 * recorded intent of the last `sinceHours` whose decision (allow, allow with approval, deny)
 * differs. An invalid document is policy_invalid with its issues. `intentsSince` is the
 * source of recorded intents (recordedIntents; tests pass their own).
 */
export async function impactPreview(
  db: Db,
  policyId: string,
  document: unknown,
  sinceHours: unknown,
  now = new Date(),
  intentsSince: IntentSource = recordedIntents,
): Promise<ImpactPreview> {
  const policy = await requirePolicy(db, policyId);
  const hours = validateSinceHours(sinceHours);
  const validation = validatePolicy(document);
  if (!validation.ok) {
    const first = validation.issues[0];
    throw new PolicyError("policy_invalid", `The document is not valid, so its impact cannot be previewed: ${first ? `${first.at}: ${first.message}` : "invalid"}`, validation.issues);
  }
  const published = await publishedPolicies(db);
  const draft: PublishedPolicy = { id: policy.id, version: policy.latestVersion + 1, document: validation.document };
  const before = compilePolicies(published);
  const after = compilePolicies([...published.filter((p) => p.id !== policy.id), draft]);

  const intents = await intentsSince(db, new Date(now.getTime() - hours * 3_600_000), IMPACT_MAX_INTENTS);
  const changed: ImpactChange[] = [];
  for (const intent of intents) {
    const input = { machine: intent.machine, action: intent.action, resource: intent.resource, params: intent.params, context: intent.context, rateCounts: intent.rateCounts };
    const was = evaluate(before, input, { explain: false }).decision;
    const would = evaluate(after, input, { explain: false }).decision;
    if (was !== would) changed.push({ intentId: intent.id, machine: { id: intent.machine.id, name: intent.machine.name }, action: intent.action, resource: intent.resource, before: was, after: would });
  }
  const preview: ImpactPreview = { evaluated: intents.length, changed, source: "intents" };
  if (intents.length === 0) preview.note = `No intents are recorded yet for the last ${hours} hour${hours === 1 ? "" : "s"}, so there is nothing to replay.`;
  else if (intents.length >= IMPACT_MAX_INTENTS) preview.note = `Only the latest ${IMPACT_MAX_INTENTS} intents of the period were replayed.`;
  return preview;
}
