"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { ErrorMessage, Loading } from "../ui/alert";
import { Button } from "../ui/button";
import { useNow } from "../machines/use-now";
import { DEFAULT_RANGE, isOverviewRange, OVERVIEW_RANGES, RANGE_SPECS, type OverviewRange } from "@/lib/overview/wire";
import { ActivityCharts } from "./charts";
import { CheckpointCard, PendingApprovalsCard, RecentMachinesCard } from "./cards";
import { useOverview } from "./queries";

const RANGE_NAMES: Record<OverviewRange, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };

/** The range lives in the address (?range=7d), so a view can be shared and survives a reload. */
function RangeSelector({ range }: { range: OverviewRange }) {
  const pathname = usePathname();
  const select = (next: OverviewRange) => {
    const params = new URLSearchParams(window.location.search);
    if (next === DEFAULT_RANGE) params.delete("range");
    else params.set("range", next);
    const query = params.toString();
    window.history.pushState(null, "", query ? `${pathname}?${query}` : pathname);
  };
  return (
    <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-zinc-300 dark:border-zinc-700">
      {OVERVIEW_RANGES.map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={r === range}
          onClick={() => select(r)}
          className={`px-3 py-1 text-sm first:rounded-l-md last:rounded-r-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${r === range ? "bg-indigo-600 font-medium text-white dark:bg-indigo-500" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
        >
          {RANGE_NAMES[r]}
        </button>
      ))}
    </div>
  );
}

export function OverviewDashboard() {
  const searchParams = useSearchParams();
  const asked = searchParams.get("range");
  const range = isOverviewRange(asked) ? asked : DEFAULT_RANGE;
  const overview = useOverview(range);
  const now = Math.max(useNow(), overview.dataUpdatedAt);
  const spec = RANGE_SPECS[range];
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-base font-semibold">
          Activity in the {spec.label}{" "}
          <span className="text-sm font-normal text-zinc-600 dark:text-zinc-400">({spec.unit === "hour" ? "hourly" : "daily"}, UTC)</span>
        </h2>
        <RangeSelector range={range} />
      </div>
      {overview.isPending ? (
        <Loading label="Loading activity…" />
      ) : overview.isError && !overview.data ? (
        <div className="space-y-3">
          <ErrorMessage>Could not load the overview: {overview.error.message}</ErrorMessage>
          <Button onClick={() => void overview.refetch()} disabled={overview.isFetching}>
            {overview.isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : (
        <>
          <div aria-busy={overview.isPlaceholderData} className={overview.isPlaceholderData ? "opacity-60" : ""}>
            <ActivityCharts activity={overview.data.activity} rangeLabel={spec.label} />
          </div>
          <div className="grid gap-x-4 lg:grid-cols-3">
            <PendingApprovalsCard pending={overview.data.pendingApprovals} now={now} />
            <RecentMachinesCard enrolled={overview.data.recentlyEnrolled} revoked={overview.data.recentlyRevoked} now={now} />
            <CheckpointCard checkpoint={overview.data.latestCheckpoint} now={now} />
          </div>
        </>
      )}
    </div>
  );
}
