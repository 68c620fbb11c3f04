import Link from "next/link";
import { auditEntryHref, type AuditSearchRow } from "@/lib/audit/search/wire";

/** The matching entries, newest first. Summaries are machine-supplied in part: text, never HTML. */
export function ResultList({ entries }: { entries: AuditSearchRow[] }) {
  return (
    <ol aria-label="Matching entries" className="divide-y divide-zinc-200 dark:divide-zinc-800">
      {entries.map((entry) => (
        <li key={entry.seq} className="grid gap-1 py-3 sm:grid-cols-[7rem_12rem_1fr]">
          <div className="text-sm">
            <Link href={auditEntryHref(entry.seq)} className="font-mono font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
              #{entry.seq}
            </Link>
          </div>
          <div className="min-w-0 text-xs text-zinc-600 dark:text-zinc-400">
            <time dateTime={entry.time} className="block font-mono">
              {entry.time.replace("T", " ").replace("Z", " UTC")}
            </time>
            <span className="block truncate font-mono" title={entry.type}>
              {entry.type}
            </span>
          </div>
          <div className="min-w-0">
            <p className="text-sm break-words whitespace-pre-wrap">{entry.summary}</p>
            <p className="mt-0.5 truncate font-mono text-xs text-zinc-600 dark:text-zinc-400" title={`${entry.actorType} ${entry.actorId}`}>
              by {entry.actorType} {entry.actorId}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
