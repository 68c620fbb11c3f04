"use client";

import { ErrorMessage, Loading } from "../../ui/alert";
import { BackLink } from "../../ui/back-link";
import { Button } from "../../ui/button";
import { CopyButton } from "../../ui/copy-button";
import { PageHeader } from "../../ui/page-header";
import { Section } from "../../ui/section";
import { formatAbsolute } from "../../machines/format";
import type { ExportEntryLine } from "@/lib/audit/export-format";
import { useAuditEntry } from "./queries";
import { CustodyTimeline } from "./timeline";
import { VerifyPanel } from "./verify-panel";

const DT = "text-zinc-600 dark:text-zinc-400";
const ROW = "grid gap-1 px-4 py-2.5 text-sm sm:grid-cols-[9rem_1fr] sm:gap-4";
const PRE = "max-h-96 overflow-auto rounded-md bg-zinc-100 p-3 font-mono text-xs break-all whitespace-pre-wrap dark:bg-zinc-950";

/** The entry's fields. Machine-supplied strings are rendered as text (React escapes them), JSON pretty-printed. */
function EntryFields({ entry }: { entry: ExportEntryLine }) {
  return (
    <dl className="-m-4 divide-y divide-zinc-100 dark:divide-zinc-800">
      <div className={ROW}>
        <dt className={DT}>Type</dt>
        <dd className="font-mono break-all">{entry.type}</dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Time</dt>
        <dd>
          <time dateTime={entry.time}>{formatAbsolute(entry.time)}</time> <span className={`font-mono text-xs ${DT}`}>{entry.time}</span>
        </dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Actor</dt>
        <dd className="break-all">
          {entry.actor.type} <span className="font-mono text-xs">{entry.actor.id}</span>
        </dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Summary</dt>
        <dd className="break-words">{entry.summary}</dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Subjects</dt>
        <dd>
          <pre className={PRE} tabIndex={0} aria-label="Subjects (JSON)">{JSON.stringify(entry.subjects, null, 2)}</pre>
        </dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Evidence</dt>
        <dd>
          <pre className={PRE} tabIndex={0} aria-label="Evidence (JSON)" data-testid="entry-evidence">{JSON.stringify(entry.evidence, null, 2)}</pre>
        </dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Entry hash</dt>
        <dd className="flex flex-wrap items-center gap-2 font-mono text-xs break-all">
          {entry.entryHash} <CopyButton value={entry.entryHash} />
        </dd>
      </div>
      <div className={ROW}>
        <dt className={DT}>Previous hash</dt>
        <dd className="font-mono text-xs break-all">{entry.prevHash}</dd>
      </div>
    </dl>
  );
}

export function AuditEntryDetailView({ seq, canReadOperators }: { seq: string; canReadOperators: boolean }) {
  const detail = useAuditEntry(seq);
  const data = detail.data;
  const entry = data?.entries.find((e) => e.line.seq === data.seq)?.line;
  return (
    <>
      <BackLink href="/audit">Audit</BackLink>
      <PageHeader title={`Audit entry ${seq}`} description={entry ? entry.summary : undefined} />
      {detail.isPending ? <Loading label="Loading the entry and its chain of custody…" /> : null}
      {detail.isError && !data ? (
        <div className="space-y-3">
          <ErrorMessage>Could not load this entry: {detail.error.message}</ErrorMessage>
          <Button onClick={() => void detail.refetch()} disabled={detail.isFetching}>
            {detail.isFetching ? "Retrying…" : "Retry"}
          </Button>
        </div>
      ) : null}
      {data && entry ? (
        <>
          <Section title="Entry" description="Exactly as stored; every field below is covered by the entry hash.">
            <EntryFields entry={entry} />
          </Section>
          <Section
            title="Chain of custody"
            description={data.intentId ? "Every entry of this intent's story, oldest first: the policy that decided, the signed request, the decision, the approvals and the execution." : "This entry is not part of an intent's story: it stands alone."}
          >
            <CustodyTimeline steps={data.timeline} seq={data.seq} canReadOperators={canReadOperators} />
          </Section>
          <Section title="Verify in this browser" description={`${data.entries.length} ${data.entries.length === 1 ? "entry" : "entries"}, checkpoint of ${data.checkpoint.size} entries.`}>
            <VerifyPanel detail={data} />
          </Section>
        </>
      ) : null}
    </>
  );
}
