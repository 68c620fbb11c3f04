import type { MachineStatus } from "./queries";

/** Each status has its own color AND its own word and symbol, so color is never the only cue. */
const STYLES: Record<MachineStatus, { className: string; symbol: string; label: string }> = {
  pending: { label: "Pending", symbol: "◌", className: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" },
  active: { label: "Active", symbol: "●", className: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" },
  suspended: { label: "Suspended", symbol: "‖", className: "border-zinc-400 bg-zinc-100 text-zinc-800 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-200" },
  revoked: { label: "Revoked", symbol: "✕", className: "border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" },
};

export function StatusBadge({ status }: { status: MachineStatus }) {
  const style = STYLES[status] ?? STYLES.suspended;
  return (
    <span data-status={status} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${style.className}`}>
      <span aria-hidden="true">{style.symbol}</span>
      {style.label}
    </span>
  );
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
