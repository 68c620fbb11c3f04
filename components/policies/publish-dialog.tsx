"use client";

/**
 * Publishing: a required change note and, first, the impact preview (the intents recorded over
 * a chosen period replayed against the draft; the API says when there are none to replay). The
 * draft is saved before it is published; a 400 policy_invalid hands its issues back to the
 * editor, which shows them next to the fields and keeps the draft.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { PolicyIssue } from "@/lib/policies";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { ChangeNoteField, DialogFormActions, EditorField, SMALL_INPUT, VerdictBadge } from "./controls";
import type { Json, JsonProblem } from "./doc";
import { impactCall, PolicyInvalidError, publishWithIssues, type VersionView } from "./queries";

const PERIODS = [
  { hours: 1, label: "Last hour" },
  { hours: 24, label: "Last 24 hours" },
  { hours: 168, label: "Last 7 days" },
  { hours: 720, label: "Last 30 days" },
];

export function PublishDialog({
  policyId,
  document,
  nextVersion,
  publishedVersion,
  clientIssues,
  jsonProblem,
  beforePublish,
  onInvalid,
  onPublished,
}: {
  policyId: string;
  document: Json;
  nextVersion: number;
  publishedVersion: number | null;
  clientIssues: number;
  jsonProblem: JsonProblem | null;
  beforePublish: () => Promise<boolean>;
  onInvalid: (issues: PolicyIssue[]) => void;
  onPublished: (version: VersionView) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | null>(null);
  const [sinceHours, setSinceHours] = useState(24);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const impact = useQuery({
    queryKey: ["policies", "impact", policyId, sinceHours, JSON.stringify(document)],
    queryFn: () => impactCall(policyId, document, sinceHours),
    enabled: open && clientIssues === 0,
    retry: false,
    staleTime: 30_000,
  });

  const close = () => {
    if (busy) return;
    setOpen(false);
    setError(null);
    setNoteError(null);
  };

  const submit = async () => {
    if (note.trim() === "") {
      setNoteError("Write a change note: it is kept with the version and in the audit log.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (!(await beforePublish())) {
        setError("The draft could not be saved, so it was not published. See the save status on the page.");
        return;
      }
      const { version } = await publishWithIssues(policyId, note.trim());
      setOpen(false);
      setNote("");
      await onPublished(version);
    } catch (e) {
      if (e instanceof PolicyInvalidError) {
        setOpen(false);
        onInvalid(e.issues);
      } else {
        setError(e instanceof Error ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        onClick={() => {
          setOpen(true);
          setError(null);
        }}
        disabled={jsonProblem !== null}
        title={jsonProblem ? "Fix the JSON first" : undefined}
      >
        Publish…
      </Button>
      <Dialog open={open} title={`Publish v${nextVersion}`} description={publishedVersion ? `Replaces v${publishedVersion} for every intent decided from now on.` : "The first version: from now on it decides intents on its targets."} onRequestClose={close} size="lg">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          {clientIssues > 0 ? (
            <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
              The draft has {clientIssues === 1 ? "1 problem" : `${clientIssues} problems`}. The server refuses an invalid policy; {publishedVersion ? `v${publishedVersion} would stay in force.` : "nothing would be published."}
            </p>
          ) : null}
          <section aria-labelledby="impact-heading" className="space-y-2">
            <h3 id="impact-heading" className="text-sm font-semibold">
              Impact preview
            </h3>
            <EditorField label="Replay intents recorded over">
              {(aria) => (
                <select {...aria} value={sinceHours} onChange={(e) => setSinceHours(Number(e.currentTarget.value))} className={SMALL_INPUT}>
                  {PERIODS.map((p) => (
                    <option key={p.hours} value={p.hours}>
                      {p.label}
                    </option>
                  ))}
                </select>
              )}
            </EditorField>
            <div role="status" aria-live="polite" className="text-sm" data-testid="impact">
              {clientIssues > 0 ? (
                <p className="text-zinc-600 dark:text-zinc-400">No preview for an invalid draft.</p>
              ) : impact.isPending ? (
                <p className="text-zinc-600 dark:text-zinc-400">Replaying recorded intents…</p>
              ) : impact.isError ? (
                <p className="text-red-700 dark:text-red-300">Could not compute the impact: {impact.error.message}</p>
              ) : (
                <>
                  <p>
                    {impact.data.evaluated === 1 ? "1 intent replayed" : `${impact.data.evaluated} intents replayed`};{" "}
                    {impact.data.changed.length === 0 ? "no decision would change." : `${impact.data.changed.length} would be decided differently:`}
                  </p>
                  {impact.data.note ? <p className="mt-1 text-zinc-600 dark:text-zinc-400">{impact.data.note}</p> : null}
                  {impact.data.changed.length > 0 ? (
                    <ul className="mt-2 max-h-60 space-y-1 overflow-y-auto">
                      {impact.data.changed.map((c) => (
                        <li key={c.intentId} className="flex flex-wrap items-center gap-2 text-xs">
                          <span className="font-mono">{c.machine.name || c.machine.id}</span>
                          <span className="font-mono">{c.action}</span>
                          <span className="font-mono">{c.resource}</span>
                          <VerdictBadge decision={c.before} /> <span aria-label="becomes">→</span> <VerdictBadge decision={c.after} />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </>
              )}
            </div>
          </section>
          <ChangeNoteField
            value={note}
            error={noteError}
            hint="Why this change: kept with the version and in the audit log."
            onChange={(text) => {
              setNote(text);
              setNoteError(null);
            }}
          />
          <DialogFormActions error={error} busy={busy} onCancel={close} submitLabel={busy ? "Publishing…" : `Publish v${nextVersion}`} />
        </form>
      </Dialog>
    </>
  );
}
