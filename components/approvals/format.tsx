import { formatDuration } from "./logic";
import type { IntentStatus } from "@/lib/intents/wire";
import { Badge, type BadgeStyle } from "../ui/badge";

/** Each status has its own color AND its own word and symbol, so color is never the only cue. */
const STYLES: Record<IntentStatus, BadgeStyle> = {
  pending: { label: "Waiting for approval", symbol: "◌", tone: "warning" },
  approved: { label: "Approved", symbol: "✓", tone: "success" },
  allowed: { label: "Allowed", symbol: "✓", tone: "success" },
  executed: { label: "Executed", symbol: "●", tone: "info" },
  rejected: { label: "Rejected", symbol: "✕", tone: "danger" },
  denied: { label: "Denied", symbol: "✕", tone: "danger" },
  expired: { label: "Expired", symbol: "◷", tone: "neutral" },
};

export function IntentStatusBadge({ status }: { status: IntentStatus }) {
  const style = STYLES[status] ?? STYLES.expired;
  return <Badge style={style} data-status={status} />;
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
