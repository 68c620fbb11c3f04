/**
 * UTC buckets for the activity charts. UTC on purpose: the server has no reader's time zone,
 * and every operator comparing a chart with the audit log (which records UTC) sees the same
 * boundaries. The last bucket is the one containing `now`, so it is partial.
 */
import { QueryError } from "../http/query-error";
import { DEFAULT_RANGE, isOverviewRange, OVERVIEW_RANGES, RANGE_SPECS, type OverviewRange } from "./wire";

const UNIT_MS = { hour: 3_600_000, day: 86_400_000 } as const;

export interface BucketGrid {
  range: OverviewRange;
  unit: "hour" | "day";
  /** Bucket starts, ascending, in milliseconds. */
  starts: number[];
  from: Date;
  to: Date;
}

export function parseRange(value: string | null): OverviewRange {
  if (value === null || value === "") return DEFAULT_RANGE;
  if (isOverviewRange(value)) return value;
  throw new QueryError(`range is one of ${OVERVIEW_RANGES.join(", ")}.`);
}

export function bucketGrid(range: OverviewRange, now: Date): BucketGrid {
  const { buckets, unit } = RANGE_SPECS[range];
  const size = UNIT_MS[unit];
  const last = Math.floor(now.getTime() / size) * size;
  const starts = Array.from({ length: buckets }, (_, i) => last - (buckets - 1 - i) * size);
  return { range, unit, starts, from: new Date(starts[0]!), to: new Date(last + size) };
}

/** The bucket a time falls in, or -1 outside the grid. */
export function bucketIndex(grid: BucketGrid, at: Date): number {
  const t = at.getTime();
  if (t < grid.from.getTime() || t >= grid.to.getTime()) return -1;
  return Math.floor((t - grid.from.getTime()) / UNIT_MS[grid.unit]);
}
