/**
 * Activity over time, counted in the database per UTC bucket, with indexed reads only:
 * - intents: one GROUP BY status per bucket on Intent(createdAt);
 * - approvals and refused executions: their audit entries, through AuditEntry(type, seq)
 *   from the first seq of the range (found through AuditEntry(time));
 * - failed request authentications: the `auth.failures` entries (one per minute, code and
 *   key, lib/auth/failures.ts) plus the counts of the current minute not yet flushed.
 * Approvals are read from the log rather than the Approval table, which has no index on time.
 */
import { APPROVAL_EVENTS } from "../approvals/events";
import type { Db } from "../db/client";
import { INTENT_EVENTS } from "../intents/events";
import { INTENT_STATUSES, type IntentStatus } from "../intents/wire";
import { bucketGrid, bucketIndex, type BucketGrid } from "./buckets";
import type { Activity, ActivityBucket, OverviewRange } from "./wire";

const AUTH_FAILURES = "auth.failures";
/**
 * Entries take their time before they take the append lock, so seq order and time order can
 * differ by the length of a transaction; searching a minute earlier covers that.
 */
const SEQ_TIME_SLACK_MS = 60_000;

type Reader = Pick<Db, "intent" | "auditEntry" | "authFailureCount">;

function emptyBucket(start: number): ActivityBucket {
  const intents = Object.fromEntries(INTENT_STATUSES.map((s) => [s, 0])) as Record<IntentStatus, number>;
  return { start: new Date(start).toISOString(), intents, approvals: { approve: 0, reject: 0 }, failures: { authentication: 0, execution: 0 } };
}

export async function activity(db: Reader, range: OverviewRange, now: Date): Promise<Activity> {
  const grid = bucketGrid(range, now);
  const buckets = grid.starts.map(emptyBucket);
  await Promise.all([countIntents(db, grid, buckets), countLoggedEvents(db, grid, buckets), countPendingAuthFailures(db, grid, buckets)]);
  return { range, unit: grid.unit, from: grid.from.toISOString(), to: grid.to.toISOString(), buckets };
}

async function countIntents(db: Reader, grid: BucketGrid, buckets: ActivityBucket[]): Promise<void> {
  const ends = [...grid.starts.slice(1), grid.to.getTime()];
  const groups = await Promise.all(
    grid.starts.map((start, i) =>
      db.intent.groupBy({ by: ["status"], where: { createdAt: { gte: new Date(start), lt: new Date(ends[i]!) } }, _count: { _all: true } }),
    ),
  );
  groups.forEach((rows, i) => {
    for (const row of rows) {
      if ((INTENT_STATUSES as readonly string[]).includes(row.status)) buckets[i]!.intents[row.status as IntentStatus] += row._count._all;
    }
  });
}

async function firstSeqFrom(db: Reader, from: Date): Promise<number | null> {
  const first = await db.auditEntry.findFirst({ where: { time: { gte: new Date(from.getTime() - SEQ_TIME_SLACK_MS) } }, orderBy: { time: "asc" }, select: { seq: true } });
  return first?.seq ?? null;
}

async function countLoggedEvents(db: Reader, grid: BucketGrid, buckets: ActivityBucket[]): Promise<void> {
  const minSeq = await firstSeqFrom(db, grid.from);
  if (minSeq === null) return;
  const inRange = { seq: { gte: minSeq }, time: { gte: grid.from, lt: grid.to } };
  const [events, authFailures] = await Promise.all([
    db.auditEntry.findMany({
      where: { type: { in: [APPROVAL_EVENTS.approved, APPROVAL_EVENTS.rejected, INTENT_EVENTS.executionRefused] }, ...inRange },
      select: { type: true, time: true },
    }),
    db.auditEntry.findMany({ where: { type: AUTH_FAILURES, ...inRange }, select: { evidence: true } }),
  ]);
  for (const event of events) {
    const bucket = buckets[bucketIndex(grid, event.time)];
    if (!bucket) continue;
    if (event.type === APPROVAL_EVENTS.approved) bucket.approvals.approve += 1;
    else if (event.type === APPROVAL_EVENTS.rejected) bucket.approvals.reject += 1;
    else bucket.failures.execution += 1;
  }
  for (const entry of authFailures) {
    const counted = authFailureCount(entry.evidence);
    const bucket = counted && buckets[bucketIndex(grid, counted.windowStart)];
    if (bucket) bucket.failures.authentication += counted.count;
  }
}

/** An auth.failures entry counts failures of its minute window, not of the (later) time it was written. */
function authFailureCount(evidence: string): { windowStart: Date; count: number } | null {
  try {
    const parsed = JSON.parse(evidence) as { windowStart?: unknown; count?: unknown };
    const windowStart = typeof parsed.windowStart === "string" ? new Date(parsed.windowStart) : null;
    if (!windowStart || Number.isNaN(windowStart.getTime()) || typeof parsed.count !== "number") return null;
    return { windowStart, count: parsed.count };
  } catch {
    return null;
  }
}

/** Minutes not flushed into the log yet (the current one, and any a quiet server has not flushed). */
async function countPendingAuthFailures(db: Reader, grid: BucketGrid, buckets: ActivityBucket[]): Promise<void> {
  const rows = await db.authFailureCount.findMany({
    where: { windowStart: { gte: grid.from, lt: grid.to } },
    select: { windowStart: true, count: true },
  });
  for (const row of rows) {
    const bucket = buckets[bucketIndex(grid, row.windowStart)];
    if (bucket) bucket.failures.authentication += row.count;
  }
}
