"use client";

import type { Activity } from "@/lib/overview/wire";
import { StackedBarChart, type BarDatum, type Series } from "./bar-chart";

const INTENT_SERIES: Series[] = [
  { key: "allowed", label: "Allowed", symbol: "✓", fill: "fill-emerald-500 dark:fill-emerald-400" },
  { key: "approved", label: "Approved", symbol: "✓✓", fill: "fill-teal-700 dark:fill-teal-300" },
  { key: "executed", label: "Executed", symbol: "●", fill: "fill-indigo-600 dark:fill-indigo-400" },
  { key: "pending", label: "Waiting for approval", symbol: "◌", fill: "fill-amber-400 dark:fill-amber-300" },
  { key: "denied", label: "Denied", symbol: "✕", fill: "fill-red-600 dark:fill-red-400" },
  { key: "rejected", label: "Rejected", symbol: "⊘", fill: "fill-rose-900 dark:fill-rose-300" },
  { key: "expired", label: "Expired", symbol: "◷", fill: "fill-zinc-400 dark:fill-zinc-500" },
];
const APPROVAL_SERIES: Series[] = [
  { key: "approve", label: "Approvals", symbol: "✓", fill: "fill-emerald-600 dark:fill-emerald-400" },
  { key: "reject", label: "Rejections", symbol: "✕", fill: "fill-red-600 dark:fill-red-400" },
];
const FAILURE_SERIES: Series[] = [
  { key: "authentication", label: "Refused signed requests", symbol: "⚠", fill: "fill-orange-500 dark:fill-orange-400" },
  { key: "execution", label: "Refused executions", symbol: "✕", fill: "fill-red-700 dark:fill-red-400" },
];

const hourTick = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
const dayTick = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

function periodsOf(activity: Activity): { tick: string; label: string }[] {
  return activity.buckets.map((b) => {
    const start = new Date(b.start);
    if (activity.unit === "day") return { tick: dayTick.format(start), label: `${dayTick.format(start)} (UTC day)` };
    const end = new Date(start.getTime() + 3_600_000);
    return { tick: hourTick.format(start), label: `${dayTick.format(start)}, ${hourTick.format(start)}–${hourTick.format(end)} UTC` };
  });
}

export function ActivityCharts({ activity, rangeLabel }: { activity: Activity; rangeLabel: string }) {
  const periods = periodsOf(activity);
  const data = (pick: (i: number) => Record<string, number>): BarDatum[] => periods.map((p, i) => ({ ...p, values: pick(i) }));
  return (
    <div className="grid gap-4">
      <StackedBarChart
        title="Intents by outcome"
        series={INTENT_SERIES}
        data={data((i) => activity.buckets[i]!.intents)}
        emptyText={`No intents in the ${rangeLabel}. Intents machines submit appear here by when they were submitted, colored by their outcome now.`}
      />
      {/* One column: the SVG scales with its width, and at half width its axis labels would shrink below legibility. */}
      <div className="grid gap-4">
        <StackedBarChart
          title="Approval decisions"
          series={APPROVAL_SERIES}
          data={data((i) => activity.buckets[i]!.approvals)}
          emptyText={`No approvals or rejections in the ${rangeLabel}. Operators' passkey-signed decisions appear here.`}
        />
        <StackedBarChart
          title="Failures"
          series={FAILURE_SERIES}
          data={data((i) => activity.buckets[i]!.failures)}
          emptyText={`No refused requests in the ${rangeLabel}. Signed requests that fail authentication and executions the resource service was told to refuse appear here.`}
        />
      </div>
    </div>
  );
}
