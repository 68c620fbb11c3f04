import { formatDuration } from "./logic";
import type { IntentStatus } from "@/lib/intents/wire";

/** Each status has its own color AND its own word and symbol, so color is never the only cue. */
const STYLES: Record<IntentStatus, { label: string; symbol: string; className: string }> = {
  pending: { label: "Waiting for approval", symbol: "◌", className: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" },
  approved: { label: "Approved", symbol: "✓", className: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" },
  allowed: { label: "Allowed", symbol: "✓", className: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" },
  executed: { label: "Executed", symbol: "●", className: "border-indigo-300 bg-indigo-50 text-indigo-900 dark:border-indigo-800 dark:bg-indigo-950 dark:text-indigo-200" },
  rejected: { label: "Rejected", symbol: "✕", className: "border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" },
  denied: { label: "Denied", symbol: "✕", className: "border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" },
  expired: { label: "Expired", symbol: "⌛", className: "border-zinc-400 bg-zinc-100 text-zinc-800 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200" },
};

export function IntentStatusBadge({ status }: { status: IntentStatus }) {
  const style = STYLES[status] ?? STYLES.expired;
  return (
    <span data-status={status} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${style.className}`}>
      <span aria-hidden="true">{style.symbol}</span>
      {style.label}
    </span>
  );
}

/** Time left until `iso` ("9 min 58 s left"), or "expired"; `label` says what ends ("to decide", "to execute"). */
export function TimeLeft({ iso, now, label }: { iso: string; now: number; label: string }) {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const expired = seconds <= 0;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()} data-testid="time-left" className={expired ? "font-medium text-red-700 dark:text-red-300" : seconds < 120 ? "font-medium text-amber-800 dark:text-amber-300" : ""}>
      {expired ? "expired" : `${formatDuration(seconds)} left ${label}`}
    </time>
  );
}
