import { Badge, type BadgeStyle } from "../ui/badge";
import type { MachineStatus } from "./queries";

/** Each status has its own color AND its own word and symbol, so color is never the only cue. */
const STYLES: Record<MachineStatus, BadgeStyle> = {
  pending: { label: "Pending", symbol: "◌", tone: "warning" },
  active: { label: "Active", symbol: "●", tone: "success" },
  suspended: { label: "Suspended", symbol: "‖", tone: "neutral" },
  revoked: { label: "Revoked", symbol: "✕", tone: "danger" },
};

export function StatusBadge({ status }: { status: MachineStatus }) {
  const style = STYLES[status] ?? STYLES.suspended;
  return <Badge style={style} data-status={status} />;
}

export function statusLabel(status: MachineStatus): string {
  return (STYLES[status] ?? STYLES.suspended).label;
}

export function TagList({ tags, label }: { tags: string[]; label?: string }) {
  if (tags.length === 0) return <span className="text-zinc-600 dark:text-zinc-400">—</span>;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-1">
      {tags.map((tag) => (
        <li key={tag} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">
          {tag}
        </li>
      ))}
    </ul>
  );
}
