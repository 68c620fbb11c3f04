import { formatAbsolute, formatRelative } from "./format";

/** A relative time ("5 minutes ago") whose exact value is in its title and datetime. */
export function RelativeTime({ iso, now, never = "never" }: { iso: string | null; now: number; never?: string }) {
  if (!iso) return <span className="text-zinc-600 dark:text-zinc-400">{never}</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
