/** The Console's Overview (docs/overview.md): activity charts and the cards beside them. */
import type { Db } from "../db/client";
import { activity } from "./activity";
import { checkpointSummary, pendingApprovals, recentlyEnrolled, recentlyRevoked } from "./cards";
import type { Overview, OverviewRange } from "./wire";

export { parseRange } from "./buckets";

export async function overview(db: Db, range: OverviewRange, now = new Date()): Promise<Overview> {
  const [chart, pending, enrolled, revoked, checkpoint] = await Promise.all([activity(db, range, now), pendingApprovals(db, now), recentlyEnrolled(db), recentlyRevoked(db), checkpointSummary(db)]);
  return { generatedAt: now.toISOString(), activity: chart, pendingApprovals: pending, recentlyEnrolled: enrolled, recentlyRevoked: revoked, latestCheckpoint: checkpoint };
}
