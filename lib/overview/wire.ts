/**
 * GET /api/overview: what the Console's Overview page shows (docs/overview.md). Portable:
 * imported by the browser too, so nothing server-side belongs here.
 */
import type { IntentStatus } from "../intents/wire";

export const OVERVIEW_PATH = "/api/overview";

export const OVERVIEW_RANGES = ["24h", "7d", "30d"] as const;
export type OverviewRange = (typeof OVERVIEW_RANGES)[number];
export const DEFAULT_RANGE: OverviewRange = "24h";

/** Each range: how many buckets of which size. Buckets are aligned to UTC hours or days. */
export const RANGE_SPECS: Record<OverviewRange, { buckets: number; unit: "hour" | "day"; label: string }> = {
  "24h": { buckets: 24, unit: "hour", label: "last 24 hours" },
  "7d": { buckets: 7, unit: "day", label: "last 7 days" },
  "30d": { buckets: 30, unit: "day", label: "last 30 days" },
};

export function isOverviewRange(value: unknown): value is OverviewRange {
  return typeof value === "string" && (OVERVIEW_RANGES as readonly string[]).includes(value);
}

/** The failure series: refused request authentications, and refused executions of intents. */
export const FAILURE_KINDS = ["authentication", "execution"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const APPROVAL_KINDS = ["approve", "reject"] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export interface ActivityBucket {
  /** Start of the bucket (inclusive), ISO 8601 UTC; the bucket ends where the next one starts. */
  start: string;
  /** Intents submitted in the bucket, by their status now. */
  intents: Record<IntentStatus, number>;
  /** Operators' signed decisions made in the bucket. */
  approvals: Record<ApprovalKind, number>;
  failures: Record<FailureKind, number>;
}

export interface Activity {
  range: OverviewRange;
  unit: "hour" | "day";
  /** Start of the first bucket and end of the last one (the end is the bucket containing now). */
  from: string;
  to: string;
  buckets: ActivityBucket[];
}

export interface PendingApprovalItem {
  intentId: string;
  action: string;
  resource: string;
  machineId: string;
  machineName: string;
  expiresAt: string;
}

export interface RecentMachine {
  id: string;
  name: string;
  status: string;
  /** Enrolled: when it was created. Revoked: when the revocation was recorded. */
  at: string;
  /** Revoked only: the reason the operator gave. */
  reason: string | null;
}

export interface CheckpointSummary {
  size: number;
  rootHash: string;
  createdAt: string;
}

export interface Overview {
  generatedAt: string;
  activity: Activity;
  pendingApprovals: { count: number; soonest: PendingApprovalItem[] };
  recentlyEnrolled: RecentMachine[];
  recentlyRevoked: RecentMachine[];
  latestCheckpoint: CheckpointSummary | null;
}
