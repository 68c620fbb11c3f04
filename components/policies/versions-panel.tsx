"use client";

/**
 * Version history: every published version (immutable) with author, time, note and rollback
 * marker; any version viewed read-only; a line diff between any two; rollback of an older one
 * (republished as a new version, with a required note).
 */
import { useState } from "react";
import { ErrorMessage } from "../ui/alert";
import { Dialog } from "../ui/dialog";
import { Section } from "../ui/section";
import { formatAbsolute } from "../machines/format";
import { ChangeNoteField, DialogFormActions, EditorField, SMALL_INPUT, SmallButton } from "./controls";
import { canonical, pretty } from "./doc";
import { lineDiff } from "./line-diff";
import { rollbackCall, useVersion, type VersionSummary } from "./queries";

export function VersionsPanel({ policyId, versions, latest, canWrite, onRolledBack }: { policyId: string; versions: VersionSummary[]; latest: number; canWrite: boolean; onRolledBack: (version: number) => Promise<void> }) {
  const [viewing, setViewing] = useState<number | null>(null);
  const [rollbackOf, setRollbackOf] = useState<number | null>(null);
  const [from, setFrom] = useState<number | null>(latest > 1 ? latest - 1 : null);
  const [to, setTo] = useState<number | null>(latest > 0 ? latest : null);
  const viewed = useVersion(policyId, viewing);

  if (versions.length === 0) {
    return (
      <Section title="Versions" description="Every publish creates an immutable version.">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Not published yet. Until a version is published this policy decides nothing, and PTERI denies by default.</p>
      </Section>
    );
  }

  return (
    <Section title="Versions" description="Every publish creates an immutable version with its author, time and change note.">
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm" aria-label="Version history">
          <thead>
            <tr className="text-left text-xs text-zinc-600 dark:text-zinc-400">
              <th scope="col" className="px-2 py-1 font-medium">Version</th>
              <th scope="col" className="px-2 py-1 font-medium">Published</th>
              <th scope="col" className="px-2 py-1 font-medium">Author</th>
              <th scope="col" className="px-2 py-1 font-medium">Note</th>
              <th scope="col" className="px-2 py-1 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                <td className="whitespace-nowrap px-2 py-1.5">
                  <span className="font-semibold">v{v.version}</span>
                  {v.version === latest ? " " : null}
                  {v.version === latest ? <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">in force</span> : null}
                  {v.rolledBackFrom !== null ? " " : null}
                  {v.rolledBackFrom !== null ? <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200">rollback to v{v.rolledBackFrom}</span> : null}
                </td>
                <td className="whitespace-nowrap px-2 py-1.5">{formatAbsolute(v.createdAt)}</td>
                <td className="px-2 py-1.5">{v.author.name ?? v.author.id}</td>
                <td className="max-w-md break-words px-2 py-1.5">{v.note}</td>
                <td className="whitespace-nowrap px-2 py-1.5 text-right">
                  <div className="flex justify-end gap-1">
                    <SmallButton onClick={() => setViewing(v.version)} aria-label={`View v${v.version}`}>
                      View
                    </SmallButton>
                    {canWrite && v.version !== latest ? (
                      <SmallButton onClick={() => setRollbackOf(v.version)} aria-label={`Roll back to v${v.version}`}>
                        Roll back…
                      </SmallButton>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <Dialog open={viewing !== null} title={`Version ${viewing ?? ""} (read-only)`} onRequestClose={() => setViewing(null)} size="lg">
        {viewed.isPending ? <p className="text-sm">Loading…</p> : viewed.isError ? <ErrorMessage>{viewed.error.message}</ErrorMessage> : null}
        {viewed.data ? (
          <div className="space-y-2">
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              Digest <span className="break-all font-mono">{viewed.data.digest}</span>
            </p>
            <pre aria-label={`Version ${viewed.data.version} document`} className="max-h-[60vh] overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950">
              {pretty(viewed.data.document)}
            </pre>
          </div>
        ) : null}
      </Dialog>

      {rollbackOf !== null ? <RollbackDialog policyId={policyId} version={rollbackOf} next={latest + 1} onClose={() => setRollbackOf(null)} onDone={onRolledBack} /> : null}

      {versions.length > 1 ? (
        <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <h3 className="text-sm font-semibold">Compare versions</h3>
          <div className="mt-2 flex flex-wrap gap-3">
            <VersionSelect label="From version" versions={versions} value={from} onChange={setFrom} />
            <VersionSelect label="To version" versions={versions} value={to} onChange={setTo} />
          </div>
          {from !== null && to !== null ? <VersionDiff policyId={policyId} from={from} to={to} /> : null}
        </div>
      ) : null}
    </Section>
  );
}

function VersionSelect({ label, versions, value, onChange }: { label: string; versions: VersionSummary[]; value: number | null; onChange: (version: number) => void }) {
  return (
    <EditorField label={label} className="w-32">
      {(aria) => (
        <select {...aria} value={value ?? ""} onChange={(e) => onChange(Number(e.currentTarget.value))} className={SMALL_INPUT}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </select>
      )}
    </EditorField>
  );
}

function VersionDiff({ policyId, from, to }: { policyId: string; from: number; to: number }) {
  const a = useVersion(policyId, from);
  const b = useVersion(policyId, to);
  if (a.isError || b.isError) return <ErrorMessage>Could not load the versions: {(a.error ?? b.error)?.message}</ErrorMessage>;
  if (!a.data || !b.data) return <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Loading the versions…</p>;
  const lines = lineDiff(pretty(canonical(a.data.document)), pretty(canonical(b.data.document)));
  const added = lines.filter((l) => l.kind === "added").length;
  const removed = lines.filter((l) => l.kind === "removed").length;
  return (
    <figure className="mt-3">
      <figcaption className="text-xs text-zinc-600 dark:text-zinc-400">
        v{from} → v{to}: {added === 0 && removed === 0 ? "the documents are the same." : `${added} line${added === 1 ? "" : "s"} added, ${removed} removed (keys sorted, so only real changes show).`}
      </figcaption>
      <div role="region" aria-label={`Differences between v${from} and v${to}`} tabIndex={0} className="mt-1 max-h-[32rem] overflow-auto rounded-md border border-zinc-200 font-mono text-xs dark:border-zinc-700">
        {lines.map((line, i) => (
          <div
            key={i}
            data-diff={line.kind}
            className={`flex whitespace-pre ${line.kind === "added" ? "bg-emerald-50 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-100" : line.kind === "removed" ? "bg-red-50 text-red-950 dark:bg-red-950 dark:text-red-100" : ""}`}
          >
            <span aria-hidden="true" className="w-10 shrink-0 select-none pr-2 text-right text-zinc-700 dark:text-zinc-300">
              {line.oldNumber ?? ""}
            </span>
            <span aria-hidden="true" className="w-10 shrink-0 select-none pr-2 text-right text-zinc-700 dark:text-zinc-300">
              {line.newNumber ?? ""}
            </span>
            <span className="w-5 shrink-0 select-none text-center font-bold">
              <span aria-hidden="true">{line.kind === "added" ? "+" : line.kind === "removed" ? "−" : " "}</span>
              <span className="sr-only">{line.kind === "added" ? "added" : line.kind === "removed" ? "removed" : ""}</span>
            </span>
            <span className="pr-2">{line.text}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

function RollbackDialog({ policyId, version, next, onClose, onDone }: { policyId: string; version: number; next: number; onClose: () => void; onDone: (version: number) => Promise<void> }) {
  const [note, setNote] = useState("");
  const [noteError, setNoteError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open title={`Roll back to v${version}`} description={`Republishes v${version}'s document unchanged as v${next}. History is kept: nothing is deleted.`} onRequestClose={() => (busy ? undefined : onClose())}>
      <form
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          if (note.trim() === "") {
            setNoteError("Write why you roll back: it is kept with the new version and in the audit log.");
            return;
          }
          setBusy(true);
          setError(null);
          try {
            const result = await rollbackCall(policyId, version, note.trim());
            onClose();
            await onDone(result.version.version);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <ChangeNoteField
          value={note}
          error={noteError}
          onChange={(text) => {
            setNote(text);
            setNoteError(null);
          }}
        />
        <DialogFormActions error={error} busy={busy} onCancel={onClose} submitLabel={busy ? "Rolling back…" : `Roll back (publish v${next})`} />
      </form>
    </Dialog>
  );
}
